package io.redismigrate.connector.source.split;

import io.redismigrate.connector.resp.RedisEndpoint;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Versioned serializer of {@link RedisSplit}. The password is part of the endpoint and therefore of checkpoints;
 * checkpoint storage must be protected like the job's configuration.
 */
public final class RedisSplitSerializer implements SimpleVersionedSerializer<RedisSplit> {
    /** 1: standalone node only; 2: + the shard's slot ranges (cluster source). */
    private static final int VERSION = 2;

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
        if (version != 1 && version != VERSION) throw new IOException("unknown RedisSplit serializer version " + version);
        return read(new DataInputDeserializer(bytes), version);
    }

    public static void write(RedisSplit split, DataOutputView out) throws IOException {
        RedisEndpoint n = split.node();
        out.writeUTF(n.host());
        out.writeInt(n.port());
        writeNullable(n.user(), out);
        writeNullable(n.password(), out);
        out.writeBoolean(n.tls());
        out.writeUTF(split.replId());
        out.writeLong(split.offset());
        out.writeByte(split.phase().ordinal());
        out.writeInt(split.db());
        writeNullable(split.slots(), out);
    }

    /** Reads a split written by {@link #write} of the current version. */
    public static RedisSplit read(DataInputView in) throws IOException {
        return read(in, VERSION);
    }

    public static RedisSplit read(DataInputView in, int version) throws IOException {
        RedisEndpoint node = new RedisEndpoint(in.readUTF(), in.readInt(), readNullable(in), readNullable(in), in.readBoolean());
        String replId = in.readUTF();
        long offset = in.readLong();
        SplitPhase phase = SplitPhase.values()[in.readByte()];
        int db = in.readInt();
        String slots = version >= 2 ? readNullable(in) : null;
        return new RedisSplit(node, replId, offset, phase, db, slots);
    }

    private static void writeNullable(String s, DataOutputView out) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) out.writeUTF(s);
    }

    private static String readNullable(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
