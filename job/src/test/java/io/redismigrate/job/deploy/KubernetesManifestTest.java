package io.redismigrate.job.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/kubernetes/flinkdeployment.yaml, parsed as YAML (SnakeYAML Engine, which Flink's own config.yaml parser
 * brings): the production settings deploy/README.md promises are there, and no secret is inline.
 */
class KubernetesManifestTest {
    private static final String FLINK_VERSION_OF_IMAGE = "2.3";
    private static List<Map<String, Object>> documents;
    private static Map<String, Object> spec;
    private static Map<String, Object> conf;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws Exception {
        documents = new ArrayList<>();
        for (Object d : new Load(LoadSettings.builder().build()).loadAllFromString(
                ProjectFiles.read("deploy/kubernetes/flinkdeployment.yaml"))) {
            if (d != null) documents.add((Map<String, Object>) d);
        }
        Map<String, Object> deployment = documents.stream().filter(d -> "FlinkDeployment".equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no FlinkDeployment in " + documents));
        assertEquals("flink.apache.org/v1beta1", deployment.get("apiVersion"));
        spec = map(deployment, "spec");
        conf = map(spec, "flinkConfiguration");
    }

    @Test
    void kubernetesHighAvailabilityWithItsStorageOnTheObjectStore() {
        assertEquals("kubernetes", conf.get("high-availability.type"));
        assertTrue(string(conf, "high-availability.storageDir").startsWith("s3://"), conf.toString());
    }

    @Test
    void checkpointsAndSavepointsOnS3FromTheFlinkConfigurationNotTheJobArgs() {
        assertTrue(string(conf, "execution.checkpointing.dir").startsWith("s3://"));
        assertTrue(string(conf, "execution.checkpointing.savepoint-dir").startsWith("s3://"));
        assertEquals("RETAIN_ON_CANCELLATION", conf.get("execution.checkpointing.externalized-checkpoint-retention"));
        // the job takes its directories from the Flink configuration (Directories.of) when these are absent
        List<String> args = args();
        assertFalse(args.contains("--checkpoint-dir"), args.toString());
        assertFalse(args.contains("--savepoint-dir"), args.toString());
    }

    @Test
    void s3PluginOfTheImagesFlinkVersionAndCredentialsFromASecret() {
        Map<String, Object> container = mainContainer(map(spec, "podTemplate"));
        Map<String, Map<String, Object>> env = env(container);
        String plugins = string(env.get("ENABLE_BUILT_IN_PLUGINS"), "value");
        assertTrue(plugins.matches("flink-s3-fs-(hadoop|presto)-" + FLINK_VERSION_OF_IMAGE.replace(".", "\\.") + "\\.\\d+\\.jar"),
                plugins);
        for (String name : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")) {
            Map<String, Object> e = env.get(name);
            assertNotNull(e, name + " in " + env.keySet());
            assertNull(e.get("value"), name + " must not be inline");
            Map<String, Object> ref = map(map(e, "valueFrom"), "secretKeyRef");
            assertSecretKeyExists(string(ref, "name"), string(ref, "key"));
        }
    }

    @Test
    void flinkVersionMatchesTheImagesMajorAndIsAnOperatorValue() {
        String v = string(spec, "flinkVersion");
        // the operator's FlinkVersion enum: v<major>_<minor>; same major as the image, not newer than it
        assertTrue(v.matches("v2_[0-3]"), v);
        String image = string(spec, "image");
        assertFalse(image.isBlank());
    }

    @Test
    void parallelismOneForAStandaloneSourceAndSavepointUpgrades() {
        Map<String, Object> job = map(spec, "job");
        assertEquals(1, ((Number) job.get("parallelism")).intValue());
        assertEquals("savepoint", job.get("upgradeMode"));
        assertEquals("running", job.get("state"));
        assertEquals("io.redismigrate.job.Main", job.get("entryClass"));
        assertEquals("run", args().get(0));
    }

    @Test
    void resourcesAndEphemeralStorageForTheSpoolOnAnEmptyDirOf20Gi() {
        assertNotNull(map(map(spec, "jobManager"), "resource").get("memory"));
        Map<String, Object> tmResource = map(map(spec, "taskManager"), "resource");
        assertNotNull(tmResource.get("memory"));
        assertNotNull(tmResource.get("cpu"));
        Map<String, Object> tmContainer = mainContainer(map(map(spec, "taskManager"), "podTemplate"));
        Map<String, Object> resources = map(tmContainer, "resources");
        assertTrue(gi(string(map(resources, "requests"), "ephemeral-storage")) >= 20, resources.toString());
        assertTrue(gi(string(map(resources, "limits"), "ephemeral-storage")) >= gi(string(map(resources, "requests"), "ephemeral-storage")));

        // --spool-dir is the mount of an emptyDir volume of 20Gi
        List<String> args = args();
        int i = args.indexOf("--spool-dir");
        assertTrue(i >= 0 && i + 1 < args.size(), args.toString());
        String spoolDir = args.get(i + 1);
        Map<String, Object> shared = map(spec, "podTemplate");
        String volume = null;
        for (Map<String, Object> m : list(mainContainer(shared), "volumeMounts")) {
            if (spoolDir.equals(m.get("mountPath"))) volume = string(m, "name");
        }
        assertNotNull(volume, "no volume mounted at " + spoolDir);
        Map<String, Object> v = volume(shared, volume);
        assertEquals("20Gi", string(map(v, "emptyDir"), "sizeLimit"));
    }

    @Test
    void prometheusReporterWithPodAnnotationsAndPort() {
        assertEquals("org.apache.flink.metrics.prometheus.PrometheusReporterFactory", conf.get("metrics.reporter.prom.factory.class"));
        String port = String.valueOf(conf.get("metrics.reporter.prom.port"));
        assertTrue(port.matches("\\d+"), "one port per pod, for the annotation: " + port);
        Map<String, Object> shared = map(spec, "podTemplate");
        Map<String, Object> annotations = map(map(shared, "metadata"), "annotations");
        assertEquals("true", annotations.get("prometheus.io/scrape"));
        assertEquals(port, annotations.get("prometheus.io/port"));
        boolean declared = list(mainContainer(shared), "ports").stream()
                .anyMatch(p -> String.valueOf(p.get("containerPort")).equals(port));
        assertTrue(declared, "container port " + port);
    }

    @Test
    void redisPasswordsFromSecretFilesNeverInArgsOrConfiguration() {
        List<String> args = args();
        for (String a : args) assertFalse(a.matches("rediss?://[^/]*:[^/@]*@.*"), "password in a URI: " + a);
        assertFalse(args.contains("--config"), "a --config file travels in the job graph; use password files");
        Map<String, Object> shared = map(spec, "podTemplate");
        for (String side : List.of("--source-password-file", "--target-password-file")) {
            int i = args.indexOf(side);
            assertTrue(i >= 0 && i + 1 < args.size(), side + " in " + args);
            String file = args.get(i + 1);
            Map<String, Object> mount = list(mainContainer(shared), "volumeMounts").stream()
                    .filter(m -> file.startsWith(string(m, "mountPath") + "/")).findFirst()
                    .orElseThrow(() -> new AssertionError(file + " is on no volume mount"));
            Map<String, Object> secret = map(volume(shared, string(mount, "name")), "secret");
            assertSecretKeyExists(string(secret, "secretName"), file.substring(string(mount, "mountPath").length() + 1));
        }
        for (Object v : conf.values()) assertFalse(String.valueOf(v).toLowerCase().contains("password"), conf.toString());
    }

    @Test
    void logPatternCarriesTheFlinkJobIdOfTheMdc() {
        String log4j = string(map(spec, "logConfiguration"), "log4j-console.properties");
        assertTrue(log4j.lines().anyMatch(l -> l.contains("layout.pattern") && l.contains("%X{flink-job-id}")), log4j);
    }

    // ------------------------------------------------------------------ helpers

    private static void assertSecretKeyExists(String name, String key) {
        Map<String, Object> secret = documents.stream()
                .filter(d -> "Secret".equals(d.get("kind")) && name.equals(map(d, "metadata").get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no Secret " + name + " in the example"));
        Map<String, Object> data = secret.containsKey("stringData") ? map(secret, "stringData") : map(secret, "data");
        assertTrue(data.containsKey(key), "Secret " + name + " has no key " + key);
    }

    private static List<String> args() {
        return list(spec.get("job") instanceof Map<?, ?> ? map(spec, "job") : Map.of(), "args", String.class);
    }

    private static Map<String, Object> mainContainer(Map<String, Object> podTemplate) {
        return list(map(podTemplate, "spec"), "containers").stream().filter(c -> "flink-main-container".equals(c.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no flink-main-container in " + podTemplate));
    }

    private static Map<String, Object> volume(Map<String, Object> podTemplate, String name) {
        return list(map(podTemplate, "spec"), "volumes").stream().filter(v -> name.equals(v.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static Map<String, Map<String, Object>> env(Map<String, Object> container) {
        Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
        for (Map<String, Object> e : list(container, "env")) out.put(string(e, "name"), e);
        return out;
    }

    private static double gi(String quantity) {
        assertTrue(quantity.matches("\\d+(Gi|Mi)"), quantity);
        double n = Double.parseDouble(quantity.substring(0, quantity.length() - 2));
        return quantity.endsWith("Gi") ? n : n / 1024;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        Object v = m == null ? null : m.get(key);
        if (!(v instanceof Map)) throw new AssertionError("no map '" + key + "' in " + m);
        return (Map<String, Object>) v;
    }

    private static String string(Map<String, Object> m, String key) {
        Object v = m == null ? null : m.get(key);
        if (v == null) throw new AssertionError("no '" + key + "' in " + m);
        return String.valueOf(v);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof List)) throw new AssertionError("no list '" + key + "' in " + m);
        return (List<Map<String, Object>>) v;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Map<String, Object> m, String key, Class<T> type) {
        Object v = m.get(key);
        if (!(v instanceof List)) throw new AssertionError("no list '" + key + "' in " + m);
        List<T> out = new ArrayList<>();
        for (Object o : (List<Object>) v) out.add(type.cast(String.valueOf(o)));
        return out;
    }
}
