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
        out.writeByte(e.kind().ordinal());
        out.writeByte(e.flags());
        out.writeUTF(e.splitId());
        out.writeLong(e.offset());
        out.writeInt(e.db());
        out.writeInt(e.sourceDb());
        writeBytes(e.key(), out);
        switch (e.kind()) {
            case RESTORE:
                out.writeLong(e.expireAtMs());
                writeBytes(e.payload(), out);
                break;
            case TRANSACTION:
                out.writeInt(e.commands().length);
                for (byte[][] c : e.commands()) writeArgs(c, out);
                int[] dbs = e.sourceDbs();
                out.writeBoolean(dbs != null);
                if (dbs != null) for (int d : dbs) out.writeInt(d);
                break;
            default:
                writeArgs(e.args(), out);
        }
        out.writeBoolean(e.note() != null);
        if (e.note() != null) out.writeUTF(e.note());
    }

    @Override
    public RedisEvent deserialize(DataInputView in) throws IOException {
        RedisEvent.Kind kind = RedisEvent.Kind.values()[in.readByte()];
        int flags = in.readByte();
        String splitId = in.readUTF();
        long offset = in.readLong();
        int db = in.readInt();
        int sourceDb = in.readInt();
        byte[] key = readBytes(in);
        long expireAt = 0;
        byte[] payload = null;
        byte[][] args = null;
        byte[][][] commands = null;
        int[] sourceDbs = null;
        switch (kind) {
            case RESTORE:
                expireAt = in.readLong();
                payload = readBytes(in);
                break;
            case TRANSACTION:
                commands = new byte[in.readInt()][][];
                for (int i = 0; i < commands.length; i++) commands[i] = readArgs(in);
                if (in.readBoolean()) {
                    sourceDbs = new int[commands.length];
                    for (int i = 0; i < sourceDbs.length; i++) sourceDbs[i] = in.readInt();
                }
                break;
            default:
                args = readArgs(in);
        }
        String note = in.readBoolean() ? in.readUTF() : null;
        return RedisEvent.of(kind, splitId, offset, db, sourceDb, sourceDbs, key, expireAt, payload, args, commands, note, flags);
    }

    private static void writeArgs(byte[][] args, DataOutputView out) throws IOException {
        out.writeInt(args.length);
        for (byte[] a : args) writeBytes(a, out);
    }

    private static byte[][] readArgs(DataInputView in) throws IOException {
        byte[][] args = new byte[in.readInt()][];
        for (int i = 0; i < args.length; i++) args[i] = readBytes(in);
        return args;
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

    /** Serializer snapshot. Events are never kept in state (only in flight), so the format may change between releases. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RedisEvent> {
        public Snapshot() { super(() -> INSTANCE); }
    }
}
