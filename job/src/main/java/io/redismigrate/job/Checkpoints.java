package io.redismigrate.job;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/** Finds retained checkpoints: {@code <dir>/<jobId>/chk-<n>/_metadata}. */
public final class Checkpoints {
    private Checkpoints() {}

    /** URI of the newest complete checkpoint of {@code jobId} under {@code dirUri}, or null (local file systems only). */
    public static String latest(String dirUri, String jobId) {
        Path job;
        try {
            job = Paths.get(URI.create(dirUri)).resolve(jobId);
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null;
        }
        if (!Files.isDirectory(job)) return null;
        try (Stream<Path> dirs = Files.list(job)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("chk-"))
                    .filter(d -> Files.exists(d.resolve("_metadata")))
                    .max((a, b) -> Long.compare(number(a), number(b)))
                    .map(d -> d.toUri().toString())
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static long number(Path chk) {
        try {
            return Long.parseLong(chk.getFileName().toString().substring(4));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
