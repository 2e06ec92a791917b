package io.redismigrate.connector.testutils;

/**
 * An ordered (source, target) pair of server versions for the version-pair tests (see {@link ServerVersions#pairs()}),
 * named {@code redis-8.0 -> redis-6.0}.
 */
public record VersionPair(ServerVersion source, ServerVersion target) {
    /** Both sides have function libraries (Redis 7.0+, Valkey): the data set then holds one. */
    public boolean functions() {
        return source.hasFunctions() && target.hasFunctions();
    }

    /** Both sides have hash field TTLs (Redis 7.4+): the data set then holds fields with TTLs. */
    public boolean hashFieldTtl() {
        return source.hashFieldTtl() && target.hashFieldTtl();
    }

    /** The source can hold function libraries the target cannot store (a target before Redis 7.0). */
    public boolean functionsRefused() {
        return source.hasFunctions() && !target.hasFunctions();
    }

    /** The source can hold hash fields with TTLs the target cannot store (Redis 7.4+ into older Redis, Valkey). */
    public boolean hashFieldTtlRefused() {
        return source.hashFieldTtl() && !target.hashFieldTtl();
    }

    /** {@code redis-8.0 -> redis-6.0}: the display name of parameterized tests. */
    public String name() {
        return source.name() + " -> " + target.name();
    }

    @Override
    public String toString() {
        return name();
    }
}
