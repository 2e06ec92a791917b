package io.redismigrate.connector.sink;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** Versioned serializer of {@link AppliedFences}: per split, its id and (slot, offset) pairs. */
public final class AppliedFencesSerializer implements SimpleVersionedSerializer<AppliedFences> {
    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(AppliedFences f) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeInt(f.offsets().size());
        for (Map.Entry<String, Map<Integer, Long>> split : f.offsets().entrySet()) {
            out.writeUTF(split.getKey());
            out.writeInt(split.getValue().size());
            for (Map.Entry<Integer, Long> e : split.getValue().entrySet()) {
                out.writeShort(e.getKey());
                out.writeLong(e.getValue());
            }
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public AppliedFences deserialize(int version, byte[] bytes) throws IOException {
        if (version != VERSION) throw new IOException("unknown AppliedFences serializer version " + version);
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        int splits = in.readInt();
        Map<String, Map<Integer, Long>> m = new HashMap<>();
        for (int i = 0; i < splits; i++) {
            String split = in.readUTF();
            int n = in.readInt();
            Map<Integer, Long> slots = new HashMap<>();
            for (int j = 0; j < n; j++) slots.put((int) in.readShort(), in.readLong());
            m.put(split, slots);
        }
        return new AppliedFences(m);
    }
}
