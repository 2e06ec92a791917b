package io.redismigrate.connector.source.split;

import io.redismigrate.connector.resp.RedisEndpoint;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Versioned serializer of {@link RedisSplit}. Only the node's address and TLS flag are written, never its user
 * or password: the reader takes credentials from the current options ({@code RedisSourceConfig#endpointFor}),
 * so checkpoints hold no secret and a rotated password works on resume. Versions 1 and 2 wrote the credentials;
 * reading them drops those.
 */
public final class RedisSplitSerializer implements SimpleVersionedSerializer<RedisSplit> {
    /**
     * 1: standalone node only; 2: + the shard's slot ranges (cluster source); 3: without credentials;
     * 4: + {@link SplitStats}.
     */
    static final int VERSION = 4;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(RedisSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public RedisSplit deserialize(int version, byte[] bytes) throws IOException {
        if (version < 1 || version > VERSION) throw new IOException("unknown RedisSplit serializer version " + version);
        return read(new DataInputDeserializer(bytes), version);
    }

    public static void write(RedisSplit split, DataOutputView out) throws IOException {
        RedisEndpoint n = split.node();
        out.writeUTF(n.host());
        out.writeInt(n.port());
        out.writeBoolean(n.tls());
        out.writeUTF(split.replId());
        out.writeLong(split.offset());
        out.writeByte(split.phase().ordinal());
        out.writeInt(split.db());
        writeNullable(split.slots(), out);
        SplitStats st = split.stats();
        out.writeLong(st.snapshotKeys());
        out.writeLong(st.snapshotBytes());
        out.writeLong(st.streamCommands());
    }

    /** Reads a split written by {@link #write} of the current version. */
    public static RedisSplit read(DataInputView in) throws IOException {
        return read(in, VERSION);
    }

    public static RedisSplit read(DataInputView in, int version) throws IOException {
        String host = in.readUTF();
        int port = in.readInt();
        if (version < 3) { // user and password: no longer used
            readNullable(in);
            readNullable(in);
        }
        RedisEndpoint node = new RedisEndpoint(host, port, null, null, in.readBoolean());
        String replId = in.readUTF();
        long offset = in.readLong();
        SplitPhase phase = SplitPhase.values()[in.readByte()];
        int db = in.readInt();
        String slots = version >= 2 ? readNullable(in) : null;
        SplitStats stats = version >= 4 ? new SplitStats(in.readLong(), in.readLong(), in.readLong()) : SplitStats.NONE;
        return new RedisSplit(node, replId, offset, phase, db, slots, stats);
    }

    private static void writeNullable(String s, DataOutputView out) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) out.writeUTF(s);
    }

    private static String readNullable(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
