package io.redismigrate.connector.source.enumerator;

import io.redismigrate.connector.source.split.RedisSplit;
import io.redismigrate.connector.source.split.RedisSplitSerializer;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Versioned serializer of {@link RedisEnumState}. */
public final class RedisEnumStateSerializer implements SimpleVersionedSerializer<RedisEnumState> {
    /** N: splits of RedisSplitSerializer version N (2: with slot ranges; 3: without credentials; 4: + stats). */
    private static final int VERSION = 4;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(RedisEnumState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(128);
        out.writeInt(state.unassigned().size());
        for (RedisSplit s : state.unassigned()) RedisSplitSerializer.write(s, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public RedisEnumState deserialize(int version, byte[] bytes) throws IOException {
        if (version < 1 || version > VERSION) throw new IOException("unknown RedisEnumState serializer version " + version);
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        int n = in.readInt();
        List<RedisSplit> splits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) splits.add(RedisSplitSerializer.read(in, version));
        return new RedisEnumState(splits);
    }
}
