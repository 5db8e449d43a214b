package dev.twin.deploy.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.deploy.Repo;
import dev.twin.deploy.check.Stack;
import dev.twin.deploy.manifest.Kustomize;
import dev.twin.deploy.service.ServiceConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The container file as far as it can be checked without a container engine: its stages, the non-root user, the
 * offline DJL with writable cache and temp paths (and that the manifests mount those paths writable), the ports, and
 * that the build context holds what it copies.
 */
class ContainerfileTest {

    static final Containerfile FILE = Containerfile.read(Repo.root().resolve("deploy/container/Containerfile"));
    static final List<String> SERVICES = List.of("executor-service", "router-service", "merger-service");

    @Test
    void stagesAndDefaultTarget() {
        assertEquals(Arrays.asList("build", "libtorch-cuda", "jre", "gpu", "runtime"),
                FILE.stages().stream().map(Containerfile.Stage::name).toList());
        // the last stage is what a build without --target produces: the CPU image
        assertEquals("runtime", FILE.stages().get(FILE.stages().size() - 1).name());
    }

    @Test
    void theBuildStageBuildsTheServicesWithTheirTests() {
        List<String> runs = FILE.stage("build").args("RUN");
        assertEquals(1, runs.size());
        String run = runs.get(0);
        assertTrue(run.startsWith("./mvnw -B") && run.endsWith("package"), run);
        assertFalse(run.contains("skipTests") || run.contains("maven.test.skip"), run);
        Matcher pl = Pattern.compile("-pl (\\S+)").matcher(run);
        assertTrue(pl.find());
        assertEquals(new TreeSet<>(SERVICES), new TreeSet<>(List.of(pl.group(1).split(","))));
        assertTrue(run.contains("-am"), run);
        assertEquals("131072", FILE.stage("build").env().get("MALLOC_MMAP_THRESHOLD_"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"runtime", "gpu"})
    void servicesRunAsUser1001WithDjlOfflineAndWritablePaths(String stage) {
        Containerfile.Stage s = FILE.stage(stage);
        assertEquals(List.of("1001"), s.args("USER"));
        Map<String, String> env = s.env();
        assertEquals("true", env.get("DJL_OFFLINE"));
        assertEquals("131072", env.get("MALLOC_MMAP_THRESHOLD_"));
        String opts = env.get("JAVA_OPTS");
        assertTrue(opts.contains("-Dai.djl.offline=true"), opts);
        assertEquals("/tmp", property(opts, "java.io.tmpdir"));
        String cache = env.get("DJL_CACHE_DIR");
        assertEquals(cache, env.get("ENGINE_CACHE_DIR"));
        // the image makes the cache directory its user's: writable even without a volume
        assertTrue(s.args("RUN").stream().anyMatch(r -> r.contains("mkdir -p") && r.contains(cache)
                && r.contains("chown -R 1001:0 " + Path.of(cache).getParent())), s.args("RUN").toString());
        assertTrue(cache.startsWith(property(opts, "user.home")) && cache.startsWith(env.get("HOME")));
        assertTrue(s.args("COPY").stream().anyMatch(c -> c.startsWith("--from=build --chown=1001:0 /src/${SERVICE}/target/quarkus-app/")));
        assertEquals(List.of("[\"sh\", \"-c\", \"exec java $JAVA_OPTS -jar /app/quarkus-run.jar\"]"), s.args("ENTRYPOINT"));
    }

    @Test
    void onlyTheLibtorchStepGoesOnlineAndTheGpuStageUsesWhatItFetched() {
        for (Containerfile.Stage s : FILE.stages()) {
            String text = s.instructions().toString();
            assertEquals(s.name().equals("libtorch-cuda"), text.contains("DJL_OFFLINE=false"), s.name());
        }
        String fetch = FILE.stage("libtorch-cuda").args("RUN").get(0);
        assertTrue(fetch.contains("grep -v pytorch-native-cpu") && fetch.contains("PYTORCH_FLAVOR=cu128"), fetch);
        Map<String, String> gpu = FILE.stage("gpu").env();
        String pomPytorch = property(read(Repo.root().resolve("pom.xml")), "<pytorch.version>", "</pytorch.version>");
        assertEquals(pomPytorch, gpu.get("PYTORCH_VERSION"));
        assertTrue(fetch.contains("PYTORCH_VERSION=" + pomPytorch), fetch);
        assertEquals("cu128", gpu.get("PYTORCH_FLAVOR"));
        assertTrue(fetch.endsWith(gpu.get("PYTORCH_LIBRARY_PATH")), fetch);
        assertTrue(FILE.stage("gpu").args("COPY").contains("--from=libtorch-cuda /opt/djl /opt/djl"));
    }

    @Test
    void exposedPortsAreTheServicesPorts() {
        Set<Integer> ports = SERVICES.stream().map(m -> ServiceConfig.read(Repo.root(), m).httpPort()).collect(Collectors.toSet());
        for (String stage : List.of("runtime", "gpu")) {
            Set<Integer> exposed = Arrays.stream(FILE.stage(stage).args("EXPOSE").get(0).split("\\s+"))
                    .map(Integer::valueOf).collect(Collectors.toSet());
            assertEquals(ports, exposed, stage);
        }
    }

    /** With a read-only root file system the DJL cache and the temp directory must be writable volumes. */
    @ParameterizedTest
    @ValueSource(strings = {"overlays/cpu", "overlays/gpu"})
    void manifestsMountTheImagesWritablePaths(String overlay) {
        Map<String, String> env = FILE.stage(overlay.endsWith("gpu") ? "gpu" : "runtime").env();
        List<String> writable = List.of(env.get("DJL_CACHE_DIR"), property(env.get("JAVA_OPTS"), "java.io.tmpdir"));
        Stack stack = Stack.of(Kustomize.render(Repo.k8s().resolve(overlay)));
        for (Stack.Workload w : stack.workloads()) {
            PodSpec pod = w.template().getSpec();
            assertEquals(1001L, pod.getSecurityContext().getRunAsUser(), w.name());
            for (Container c : pod.getContainers()) {
                assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem(), w.name());
                for (String path : writable) {
                    assertTrue(c.getVolumeMounts().stream().anyMatch(m -> (path + "/").startsWith(m.getMountPath() + "/")
                            && !Boolean.TRUE.equals(m.getReadOnly()) && pod.getVolumes().stream()
                            .filter(v -> v.getName().equals(m.getName())).anyMatch(v -> v.getEmptyDir() != null)),
                            w.name() + " mounts no writable emptyDir over " + path);
                }
            }
        }
    }

    @Test
    void theBuildContextHoldsWhatTheFilesCopyAndIgnoresBuildOutput() throws IOException {
        Path root = Repo.root();
        String ignore = read(root.resolve(".containerignore"));
        assertEquals(ignore, read(root.resolve(".dockerignore")), ".dockerignore and .containerignore differ");
        List<String> patterns = ignore.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertTrue(patterns.contains("**/target") && patterns.contains(".git"), patterns.toString());
        for (String needed : List.of("mvnw", ".mvn", "pom.xml", "proto", "core", "deploy/container/FetchLibtorch.java")) {
            assertTrue(Files.exists(root.resolve(needed)), needed);
            assertTrue(patterns.stream().noneMatch(p -> needed.equals(p) || needed.startsWith(p + "/")), needed + " is ignored");
        }
        for (Containerfile.Stage s : FILE.stages()) {
            for (String copy : s.args("COPY")) {
                if (!copy.startsWith("--from=")) {
                    String src = copy.split("\\s+")[0];
                    assertTrue(src.equals(".") || Files.exists(root.resolve(src)), s.name() + ": COPY source " + src + " missing");
                }
            }
        }
    }

    @Test
    void theBundleImageIsWhatTheFillJobCopiesFrom() {
        Containerfile bundle = Containerfile.read(Repo.root().resolve("deploy/container/Bundle.Containerfile"));
        Containerfile.Stage s = bundle.stages().get(0);
        assertEquals(List.of(". /bundle-src/"), s.args("COPY"));
        assertEquals(List.of("1001"), s.args("USER"));
        Job job = Stack.of(Kustomize.render(Repo.k8s().resolve("base"))).jobs().get(0);
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container fill = pod.getContainers().get(0);
        assertTrue(fill.getImage().startsWith("twin/bundle:"), fill.getImage());
        assertTrue(fill.getCommand().get(2).contains("cd /bundle-src;"), fill.getCommand().toString());
        Volume bundleVolume = pod.getVolumes().get(0);
        assertEquals("twin-bundle", bundleVolume.getPersistentVolumeClaim().getClaimName());
        assertEquals("/bundle", fill.getVolumeMounts().get(0).getMountPath());
    }

    private static String property(String javaOpts, String name) {
        Matcher m = Pattern.compile("-D" + Pattern.quote(name) + "=(\\S+)").matcher(javaOpts);
        assertTrue(m.find(), name + " not set in " + javaOpts);
        return m.group(1);
    }

    private static String property(String text, String open, String close) {
        int i = text.indexOf(open);
        return text.substring(i + open.length(), text.indexOf(close, i));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
