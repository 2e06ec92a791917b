package io.redismigrate.connector.event;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/** Dedicated binary serializer for {@link RedisEvent} (no Kryo): length-prefixed byte arrays. */
public final class RedisEventSerializer extends TypeSerializerSingleton<RedisEvent> {
    private static final long serialVersionUID = 1L;
    public static final RedisEventSerializer INSTANCE = new RedisEventSerializer();

    @Override public boolean isImmutableType() { return true; }
    @Override public RedisEvent createInstance() { return null; }
    @Override public RedisEvent copy(RedisEvent from) { return from; }
    @Override public RedisEvent copy(RedisEvent from, RedisEvent reuse) { return from; }
    @Override public int getLength() { return -1; }

    @Override
    public void serialize(RedisEvent e, DataOutputView out) throws IOException {
        out.writeByte(e.kind().ordinal() | (e.keyStart() ? 0x80 : 0));
        out.writeUTF(e.splitId());
        out.writeLong(e.offset());
        out.writeInt(e.db());
        writeBytes(e.key(), out);
        if (e.kind() == RedisEvent.Kind.RESTORE) {
            out.writeLong(e.expireAtMs());
            writeBytes(e.payload(), out);
        } else {
            byte[][] args = e.args();
            out.writeInt(args.length);
            for (byte[] arg : args) writeBytes(arg, out);
        }
        out.writeBoolean(e.note() != null);
        if (e.note() != null) out.writeUTF(e.note());
    }

    @Override
    public RedisEvent deserialize(DataInputView in) throws IOException {
        int head = in.readByte();
        RedisEvent.Kind kind = RedisEvent.Kind.values()[head & 0x7f];
        boolean keyStart = (head & 0x80) != 0;
        String splitId = in.readUTF();
        long offset = in.readLong();
        int db = in.readInt();
        byte[] key = readBytes(in);
        long expireAt = 0;
        byte[] payload = null;
        byte[][] args = null;
        if (kind == RedisEvent.Kind.RESTORE) {
            expireAt = in.readLong();
            payload = readBytes(in);
        } else {
            args = new byte[in.readInt()][];
            for (int i = 0; i < args.length; i++) args[i] = readBytes(in);
        }
        String note = in.readBoolean() ? in.readUTF() : null;
        return RedisEvent.of(kind, splitId, offset, db, key, expireAt, payload, args, note, keyStart);
    }

    @Override
    public RedisEvent deserialize(RedisEvent reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<RedisEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    private static void writeBytes(byte[] b, DataOutputView out) throws IOException {
        if (b == null) { out.writeInt(-1); return; }
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** Serializer snapshot; the format has one version so far. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RedisEvent> {
        public Snapshot() { super(() -> INSTANCE); }
    }
}
