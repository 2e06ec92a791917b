package io.redismigrate.connector.event;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information that makes Flink use {@link RedisEventSerializer} for events. */
public final class RedisEventTypeInfo extends TypeInformation<RedisEvent> {
    private static final long serialVersionUID = 1L;
    public static final RedisEventTypeInfo INSTANCE = new RedisEventTypeInfo();

    @Override public boolean isBasicType() { return false; }
    @Override public boolean isTupleType() { return false; }
    @Override public int getArity() { return 1; }
    @Override public int getTotalFields() { return 1; }
    @Override public Class<RedisEvent> getTypeClass() { return RedisEvent.class; }
    @Override public boolean isKeyType() { return false; }

    @Override
    public TypeSerializer<RedisEvent> createSerializer(SerializerConfig config) {
        return RedisEventSerializer.INSTANCE;
    }

    @Override public String toString() { return "RedisEvent"; }
    @Override public boolean equals(Object obj) { return obj instanceof RedisEventTypeInfo; }
    @Override public int hashCode() { return RedisEventTypeInfo.class.hashCode(); }
    @Override public boolean canEqual(Object obj) { return obj instanceof RedisEventTypeInfo; }
}
