package io.redismigrate.job.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the project checkout (deploy/, docs/, flink-conf/), found from the working directory upwards. */
final class ProjectFiles {
    private ProjectFiles() {}

    static Path find(String relative) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve(relative);
            if (Files.isRegularFile(f) && Files.isDirectory(p.resolve("job"))) return f;
        }
        throw new AssertionError(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    static String read(String relative) throws IOException {
        return Files.readString(find(relative), StandardCharsets.UTF_8);
    }
}
