package dev.twin.deploy.check;

import dev.twin.deploy.check.Stack.Workload;
import dev.twin.deploy.service.ServiceConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationScramSha512;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a rendered stack against itself and against the services it runs: every setting a container gets names a
 * key the service has, ports and health paths are the services', topics and consumer groups are the services' and
 * exist in Strimzi, the bootstrap address and security settings match the Strimzi listener, and the Kubernetes
 * objects reference each other consistently. A problem is a sentence naming the object; none means it passed.
 */
public final class CrossCheck {

    /** Read by the JVM launcher, glibc or DJL in the image, not by the service's configuration. */
    static final Set<String> RUNTIME_ENV = Set.of("JAVA_OPTS", "JAVA_TOOL_OPTIONS", "MALLOC_MMAP_THRESHOLD_",
            "DJL_CACHE_DIR", "ENGINE_CACHE_DIR", "DJL_OFFLINE", "PYTORCH_LIBRARY_PATH", "PYTORCH_FLAVOR",
            "PYTORCH_VERSION", "CUDA_VISIBLE_DEVICES");
    static final String GPU = "nvidia.com/gpu";

    private final Stack stack;
    private final Path repo;
    private final Map<String, ServiceConfig> services = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    private CrossCheck(Stack stack, Path repo) {
        this.stack = stack;
        this.repo = repo;
    }

    public static List<String> problems(Stack stack, Path repo) {
        CrossCheck c = new CrossCheck(stack, repo);
        c.problems.addAll(stack.problems());
        if (c.problems.isEmpty()) {
            c.run();
        }
        return c.problems;
    }

    private void run() {
        Kafka kafka = stack.kafka();
        strimzi(kafka);
        Map<String, Map<String, String>> envByWorkload = new LinkedHashMap<>();
        for (Workload w : stack.workloads()) {
            PodSpec pod = w.template().getSpec();
            volumes(w, pod);
            gpu(w, pod);
            for (Container c : pod.getContainers()) {
                ServiceConfig svc = service(c);
                if (svc == null) {
                    problems.add(w.name() + ": container " + c.getName() + " runs image " + c.getImage()
                            + ", which is none of the services");
                    continue;
                }
                svc.strayKeys().forEach(k -> problems.add(svc.module() + ": application.properties sets " + k
                        + ", which its @ConfigMapping does not declare"));
                Map<String, String> env = env(w, c);
                envByWorkload.put(w.name(), env);
                settings(w, c, svc, env);
                portsAndProbes(w, pod, c, svc);
                kafkaClient(w, c, svc, env, kafka);
            }
        }
        executors(envByWorkload);
        k8sServices();
        disruptionBudgets();
        scalers(kafka);
        monitors();
    }

    private ServiceConfig service(Container c) {
        String image = c.getImage();
        String module = image.substring(image.lastIndexOf('/') + 1).replaceAll(":.*$", "");
        if (!module.endsWith("-service") || !repo.resolve(module).resolve("pom.xml").toFile().isFile()) {
            return null;
        }
        return services.computeIfAbsent(module, m -> ServiceConfig.read(repo, m));
    }

    /** The environment a container starts with: envFrom ConfigMaps in order, then env (literal or from a Secret). */
    private Map<String, String> env(Workload w, Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : c.getEnvFrom()) {
            if (from.getConfigMapRef() == null) {
                problems.add(w.name() + ": envFrom other than a ConfigMap is not checked: " + from);
                continue;
            }
            Optional<ConfigMap> cm = stack.named(ConfigMap.class, from.getConfigMapRef().getName());
            if (cm.isEmpty()) {
                problems.add(w.name() + ": envFrom ConfigMap " + from.getConfigMapRef().getName() + " does not exist");
            } else {
                env.putAll(cm.get().getData());
            }
        }
        for (EnvVar e : c.getEnv()) {
            if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                var ref = e.getValueFrom().getSecretKeyRef();
                secretKey(w.name() + " env " + e.getName(), ref.getName(), ref.getKey());
                env.put(e.getName(), "<secret " + ref.getName() + "/" + ref.getKey() + ">");
            } else if (e.getValueFrom() != null) {
                problems.add(w.name() + ": env " + e.getName() + " comes from a source this check does not follow");
            } else {
                env.put(e.getName(), e.getValue());
            }
        }
        return env;
    }

    /** Every variable must set a key of the service, a Kafka client property, or a runtime variable of the image. */
    private void settings(Workload w, Container c, ServiceConfig svc, Map<String, String> env) {
        Set<String> kafkaNames = new HashSet<>(ConsumerConfig.configNames());
        kafkaNames.addAll(ProducerConfig.configNames());
        kafkaNames.addAll(AdminClientConfig.configNames());
        boolean usesKafka = svc.uses("quarkus-messaging-kafka") || svc.uses("quarkus-kafka-client");
        for (String name : env.keySet()) {
            if (svc.keyOfEnv(name).isPresent() || RUNTIME_ENV.contains(name)) {
                continue;
            }
            if (name.startsWith("KAFKA_")) {
                // Quarkus turns KAFKA_X_Y into the Kafka client property x.y for every channel
                String property = name.substring(6).toLowerCase(java.util.Locale.ROOT).replace('_', '.');
                if (!usesKafka) {
                    problems.add(w.name() + ": " + name + " is set but " + svc.module() + " has no Kafka client");
                } else if (!kafkaNames.contains(property)) {
                    problems.add(w.name() + ": " + name + " is no Kafka client property (" + property + ")");
                }
                continue;
            }
            problems.add(w.name() + "/" + c.getName() + ": " + name + " sets no configuration key of " + svc.module()
                    + " (its application.properties and @ConfigMapping interfaces)");
        }
    }

    private void portsAndProbes(Workload w, PodSpec pod, Container c, ServiceConfig svc) {
        int port = svc.httpPort();
        if (c.getPorts().stream().noneMatch(p -> p.getContainerPort() == port)) {
            problems.add(w.name() + ": no container port " + port + " (" + svc.module() + " quarkus.http.port)");
        }
        if (!svc.uses("quarkus-smallrye-health")) {
            problems.add(w.name() + ": probes need quarkus-smallrye-health, which " + svc.module() + " lacks");
        }
        String health = svc.healthRoot();
        probe(w, c, "liveness", c.getLivenessProbe(), health + "/live", port);
        probe(w, c, "readiness", c.getReadinessProbe(), health + "/ready", port);
        if (c.getStartupProbe() != null) {
            probe(w, c, "startup", c.getStartupProbe(), health + "/live", port);
        }
        long grace = pod.getTerminationGracePeriodSeconds() == null ? 30 : pod.getTerminationGracePeriodSeconds();
        if (grace <= svc.shutdownTimeout().toSeconds()) {
            problems.add(w.name() + ": terminationGracePeriodSeconds " + grace + " does not exceed "
                    + svc.module() + "'s quarkus.shutdown.timeout " + svc.shutdownTimeout());
        }
    }

    private void probe(Workload w, Container c, String kind, Probe p, String path, int port) {
        if (p == null || p.getHttpGet() == null) {
            problems.add(w.name() + ": no HTTP " + kind + " probe");
            return;
        }
        if (!path.equals(p.getHttpGet().getPath())) {
            problems.add(w.name() + ": " + kind + " probe path " + p.getHttpGet().getPath() + " is not " + path);
        }
        Integer resolved = containerPort(c, p.getHttpGet().getPort());
        if (resolved == null || resolved != port) {
            problems.add(w.name() + ": " + kind + " probe port " + p.getHttpGet().getPort() + " is not the service's " + port);
        }
    }

    private static Integer containerPort(Container c, IntOrString port) {
        if (port == null) {
            return null;
        }
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort).findFirst().orElse(null);
    }

    private void volumes(Workload w, PodSpec pod) {
        Map<String, Volume> byName = new HashMap<>();
        pod.getVolumes().forEach(v -> byName.put(v.getName(), v));
        List<Container> all = new ArrayList<>(pod.getContainers());
        all.addAll(pod.getInitContainers());
        for (Container c : all) {
            for (VolumeMount m : c.getVolumeMounts()) {
                if (!byName.containsKey(m.getName())) {
                    problems.add(w.name() + ": " + c.getName() + " mounts volume " + m.getName() + ", which the pod lacks");
                }
            }
        }
        for (Volume v : pod.getVolumes()) {
            if (v.getPersistentVolumeClaim() != null
                    && stack.claims().stream().noneMatch(pvc -> pvc.getMetadata().getName().equals(v.getPersistentVolumeClaim().getClaimName()))) {
                problems.add(w.name() + ": volume " + v.getName() + " claims " + v.getPersistentVolumeClaim().getClaimName()
                        + ", which does not exist");
            }
            if (v.getSecret() != null) {
                secretKey(w.name() + " volume " + v.getName(), v.getSecret().getSecretName(), null);
            }
        }
    }

    /** A Secret defined here, or one Strimzi writes: a KafkaUser's credentials or the cluster CA certificate. */
    private void secretKey(String where, String secret, String key) {
        Map<String, Set<String>> strimzi = new HashMap<>();
        String cluster = stack.kafka().getMetadata().getName();
        strimzi.put(cluster + "-cluster-ca-cert", Set.of("ca.crt", "ca.p12", "ca.password"));
        stack.users().forEach(u -> strimzi.put(u.getMetadata().getName(), Set.of("password", "sasl.jaas.config")));
        Set<String> keys = strimzi.get(secret);
        if (keys == null) {
            var own = stack.secrets().stream().filter(s -> s.getMetadata().getName().equals(secret)).findFirst();
            if (own.isEmpty()) {
                problems.add(where + ": Secret " + secret + " is neither defined here nor written by Strimzi");
                return;
            }
            keys = new HashSet<>();
            if (own.get().getData() != null) {
                keys.addAll(own.get().getData().keySet());
            }
            if (own.get().getStringData() != null) {
                keys.addAll(own.get().getStringData().keySet());
            }
        }
        if (key != null && !keys.contains(key)) {
            problems.add(where + ": Secret " + secret + " has no key " + key + " (it has " + keys + ")");
        }
    }

    private void kafkaClient(Workload w, Container c, ServiceConfig svc, Map<String, String> env, Kafka kafka) {
        List<ServiceConfig.Channel> channels = svc.channels(env);
        if (channels.isEmpty()) {
            return;
        }
        String bootstrap = svc.value("kafka.bootstrap.servers", env);
        Optional<GenericKafkaListener> listener = listenerOf(kafka, bootstrap);
        if (listener.isEmpty()) {
            problems.add(w.name() + ": bootstrap " + bootstrap + " is not " + kafka.getMetadata().getName()
                    + "-kafka-bootstrap:<port of a listener of the Strimzi Kafka '" + kafka.getMetadata().getName() + "'>");
        } else {
            boolean tls = listener.get().isTls();
            boolean scram = listener.get().getAuth() instanceof KafkaListenerAuthenticationScramSha512;
            String expected = (scram ? "SASL_" : "") + (tls ? "SSL" : "PLAINTEXT");
            if (!expected.equals(env.getOrDefault("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT"))) {
                problems.add(w.name() + ": KAFKA_SECURITY_PROTOCOL " + env.get("KAFKA_SECURITY_PROTOCOL")
                        + " does not match listener " + listener.get().getName() + " (" + expected + ")");
            }
            if (scram && !"SCRAM-SHA-512".equals(env.get("KAFKA_SASL_MECHANISM"))) {
                problems.add(w.name() + ": listener " + listener.get().getName() + " wants KAFKA_SASL_MECHANISM SCRAM-SHA-512");
            }
            if (scram && !env.containsKey("KAFKA_SASL_JAAS_CONFIG")) {
                problems.add(w.name() + ": SCRAM listener but no KAFKA_SASL_JAAS_CONFIG");
            }
            if (tls) {
                truststore(w, c, env, kafka.getMetadata().getName());
            }
        }
        for (ServiceConfig.Channel ch : channels) {
            Optional<KafkaTopic> topic = topic(ch.topic());
            if (topic.isEmpty()) {
                problems.add(w.name() + ": channel " + ch.name() + " uses topic " + ch.topic() + ", which no KafkaTopic creates");
            }
            if (!aclAllows(ch.topic(), AclRuleTopicResource.class, ch.incoming() ? AclOperation.READ : AclOperation.WRITE)) {
                problems.add(w.name() + ": no KafkaUser ACL lets channel " + ch.name() + " use topic " + ch.topic());
            }
            if (ch.incoming() && ch.groupId() != null
                    && !aclAllows(ch.groupId().replace("${quarkus.uuid}", "x"), AclRuleGroupResource.class, AclOperation.READ)) {
                problems.add(w.name() + ": no KafkaUser ACL lets channel " + ch.name() + " join group " + ch.groupId());
            }
        }
        // the topic names the service is configured with (twin.*.topics.*) all exist
        svc.keys().stream().filter(k -> k.matches("twin\\.[a-z]+\\.topics\\.[a-z-]+")).forEach(k -> {
            String t = svc.value(k, env);
            if (topic(t).isEmpty()) {
                problems.add(w.name() + ": " + k + " = " + t + " has no KafkaTopic");
            }
        });
    }

    private Optional<GenericKafkaListener> listenerOf(Kafka kafka, String bootstrap) {
        String host = kafka.getMetadata().getName() + "-kafka-bootstrap";
        return kafka.getSpec().getKafka().getListeners().stream()
                .filter(l -> bootstrap != null && bootstrap.equals(host + ":" + l.getPort()))
                .findFirst();
    }

    private void truststore(Workload w, Container c, Map<String, String> env, String cluster) {
        String location = env.get("KAFKA_SSL_TRUSTSTORE_LOCATION");
        if (location == null || env.get("KAFKA_SSL_TRUSTSTORE_PASSWORD") == null) {
            problems.add(w.name() + ": TLS listener but no KAFKA_SSL_TRUSTSTORE_LOCATION/_PASSWORD");
            return;
        }
        String caSecret = cluster + "-cluster-ca-cert";
        PodSpec pod = w.template().getSpec();
        boolean mounted = c.getVolumeMounts().stream().anyMatch(m -> location.startsWith(m.getMountPath() + "/")
                && pod.getVolumes().stream().anyMatch(v -> v.getName().equals(m.getName()) && v.getSecret() != null
                        && caSecret.equals(v.getSecret().getSecretName())
                        && Set.of("ca.p12", "ca.crt").contains(location.substring(m.getMountPath().length() + 1))));
        if (!mounted) {
            problems.add(w.name() + ": KAFKA_SSL_TRUSTSTORE_LOCATION " + location + " is not a file of the mounted " + caSecret);
        }
    }

    private Optional<KafkaTopic> topic(String name) {
        return stack.topics().stream().filter(t -> name != null && name.equals(topicName(t))).findFirst();
    }

    private static String topicName(KafkaTopic t) {
        return t.getSpec().getTopicName() != null ? t.getSpec().getTopicName() : t.getMetadata().getName();
    }

    private boolean aclAllows(String name, Class<?> resourceType, AclOperation op) {
        for (KafkaUser u : stack.users()) {
            if (!(u.getSpec().getAuthorization() instanceof KafkaUserAuthorizationSimple simple)) {
                continue;
            }
            for (AclRule r : simple.getAcls()) {
                String rName;
                AclResourcePatternType pattern;
                if (r.getResource() instanceof AclRuleTopicResource t && resourceType == AclRuleTopicResource.class) {
                    rName = t.getName();
                    pattern = t.getPatternType();
                } else if (r.getResource() instanceof AclRuleGroupResource g && resourceType == AclRuleGroupResource.class) {
                    rName = g.getName();
                    pattern = g.getPatternType();
                } else {
                    continue;
                }
                boolean matches = pattern == AclResourcePatternType.PREFIX ? name.startsWith(rName) : name.equals(rName);
                if (matches && r.getOperations() != null
                        && (r.getOperations().contains(op) || r.getOperations().contains(AclOperation.ALL))) {
                    return true;
                }
            }
        }
        return false;
    }

    private void strimzi(Kafka kafka) {
        String cluster = kafka.getMetadata().getName();
        Function<io.fabric8.kubernetes.api.model.HasMetadata, String> label =
                o -> o.getMetadata().getLabels() == null ? null : o.getMetadata().getLabels().get("strimzi.io/cluster");
        List<io.fabric8.kubernetes.api.model.HasMetadata> owned = new ArrayList<>(stack.nodePools());
        owned.addAll(stack.topics());
        owned.addAll(stack.users());
        owned.stream().filter(o -> !cluster.equals(label.apply(o))).forEach(o -> problems.add(
                o.getKind() + " " + o.getMetadata().getName() + ": label strimzi.io/cluster is not " + cluster));
        int brokers = stack.nodePools().stream().filter(p -> p.getSpec().getRoles().contains(ProcessRoles.BROKER))
                .mapToInt(p -> p.getSpec().getReplicas()).sum();
        int controllers = stack.nodePools().stream().filter(p -> p.getSpec().getRoles().contains(ProcessRoles.CONTROLLER))
                .mapToInt(p -> p.getSpec().getReplicas()).sum();
        if (brokers == 0 || controllers % 2 == 0) {
            problems.add("Kafka " + cluster + ": node pools give " + brokers + " brokers and " + controllers
                    + " controllers (need brokers and an odd controller quorum)");
        }
        for (KafkaTopic t : stack.topics()) {
            int replicas = t.getSpec().getReplicas();
            Object minIsr = t.getSpec().getConfig() == null ? null : t.getSpec().getConfig().get("min.insync.replicas");
            if (replicas > brokers) {
                problems.add("KafkaTopic " + topicName(t) + ": " + replicas + " replicas on " + brokers + " brokers");
            }
            if (minIsr != null && Integer.parseInt(minIsr.toString()) >= replicas) {
                problems.add("KafkaTopic " + topicName(t) + ": min.insync.replicas " + minIsr + " leaves no replica to lose");
            }
        }
    }

    private void gpu(Workload w, PodSpec pod) {
        for (Container c : pod.getContainers()) {
            Map<String, Quantity> limits = c.getResources() == null || c.getResources().getLimits() == null
                    ? Map.of() : c.getResources().getLimits();
            if (!limits.containsKey(GPU)) {
                continue;
            }
            boolean tolerates = pod.getTolerations().stream().anyMatch(t -> GPU.equals(t.getKey()));
            boolean placed = pod.getNodeSelector() != null && !pod.getNodeSelector().isEmpty() || pod.getAffinity() != null;
            if (!tolerates || !placed) {
                problems.add(w.name() + ": asks for " + GPU + " but lacks a toleration for it or a node selector");
            }
        }
    }

    /**
     * How the merger finds executors: with discovery mode dns, the name is a headless Service here selecting a
     * StatefulSet's pods on the port the executors listen on; with static, the list names the StatefulSet's pods
     * through its headless Service on the executor port.
     */
    private void executors(Map<String, Map<String, String>> envByWorkload) {
        for (Workload w : stack.workloads()) {
            for (Container c : w.template().getSpec().getContainers()) {
                ServiceConfig svc = service(c);
                if (svc == null || !svc.keys().contains("twin.merger.executors")) {
                    continue;
                }
                String mode = svc.value("twin.merger.discovery.mode", envByWorkload.get(w.name()));
                if ("dns".equalsIgnoreCase(mode)) {
                    dnsDiscovery(w, svc, envByWorkload.get(w.name()));
                    continue;
                }
                if (!"static".equalsIgnoreCase(mode)) {
                    continue; // kafka: heartbeats carry the addresses; the topic is checked with the others
                }
                String list = svc.value("twin.merger.executors", envByWorkload.get(w.name()));
                if (list == null) {
                    problems.add(w.name() + ": discovery mode static without twin.merger.executors");
                    continue;
                }
                for (String address : list.split(",")) {
                    if (!executorAddress(address.trim())) {
                        problems.add(w.name() + ": executor " + address.trim() + " is not <statefulset>-<ordinal>.<headless"
                                + " service>:<port> of a StatefulSet here (ordinal below its replicas)");
                    }
                }
            }
        }
    }

    private void dnsDiscovery(Workload w, ServiceConfig svc, Map<String, String> env) {
        String name = svc.value("twin.merger.discovery.dns-name", env);
        String port = svc.value("twin.merger.discovery.dns-port", env);
        Optional<Service> headless = stack.named(Service.class, name);
        if (headless.isEmpty() || !"None".equals(headless.get().getSpec().getClusterIP())) {
            problems.add(w.name() + ": discovery dns-name " + name + " is not a headless Service here");
            return;
        }
        Optional<Workload> target = selected(headless.get().getSpec().getSelector());
        boolean ok = target.isPresent() && target.get().kind().equals("StatefulSet") && target.get().template()
                .getSpec().getContainers().stream().flatMap(c -> c.getPorts().stream())
                .anyMatch(p -> String.valueOf(p.getContainerPort()).equals(port));
        if (!ok) {
            problems.add(w.name() + ": discovery dns-name " + name + " does not select a StatefulSet's pods with "
                    + "container port " + port + " (twin.merger.discovery.dns-port)");
        }
    }

    private boolean executorAddress(String address) {
        for (Workload w : stack.workloads()) {
            if (!w.kind().equals("StatefulSet")) {
                continue;
            }
            var sts = stack.named(io.fabric8.kubernetes.api.model.apps.StatefulSet.class, w.name()).orElseThrow();
            String svcName = sts.getSpec().getServiceName();
            for (int i = 0; i < w.replicas(); i++) {
                for (Container c : w.template().getSpec().getContainers()) {
                    for (ContainerPort p : c.getPorts()) {
                        if (address.equals(w.name() + "-" + i + "." + svcName + ":" + p.getContainerPort())) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    private void k8sServices() {
        for (Service s : stack.services()) {
            Optional<Workload> w = selected(s.getSpec().getSelector());
            if (w.isEmpty()) {
                problems.add("Service " + s.getMetadata().getName() + ": its selector matches no workload");
                continue;
            }
            for (ServicePort p : s.getSpec().getPorts()) {
                IntOrString target = p.getTargetPort() == null ? new IntOrString(p.getPort()) : p.getTargetPort();
                boolean found = w.get().template().getSpec().getContainers().stream().anyMatch(c -> {
                    Integer resolved = containerPort(c, target);
                    return resolved != null && c.getPorts().stream().anyMatch(cp -> cp.getContainerPort().equals(resolved));
                });
                if (!found) {
                    problems.add("Service " + s.getMetadata().getName() + ": port " + p.getName() + " targets "
                            + target + ", which is no container port of " + w.get().name());
                }
            }
        }
        for (var sts : stack.all(io.fabric8.kubernetes.api.model.apps.StatefulSet.class)) {
            var headless = stack.named(Service.class, sts.getSpec().getServiceName());
            if (headless.isEmpty() || !"None".equals(headless.get().getSpec().getClusterIP())) {
                problems.add("StatefulSet " + sts.getMetadata().getName() + ": serviceName " + sts.getSpec().getServiceName()
                        + " is not a headless Service here");
            }
        }
    }

    private Optional<Workload> selected(Map<String, String> selector) {
        if (selector == null || selector.isEmpty()) {
            return Optional.empty();
        }
        return stack.workloads().stream()
                .filter(w -> w.template().getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                .findFirst();
    }

    private void disruptionBudgets() {
        for (PodDisruptionBudget b : stack.disruptionBudgets()) {
            Optional<Workload> w = selected(b.getSpec().getSelector().getMatchLabels());
            if (w.isEmpty()) {
                problems.add("PodDisruptionBudget " + b.getMetadata().getName() + ": selects no workload");
                continue;
            }
            int minReplicas = Math.min(w.get().replicas(), scalerOf(w.get()).map(s -> s.path("spec").path("minReplicaCount").asInt(1))
                    .orElse(w.get().replicas()));
            IntOrString min = b.getSpec().getMinAvailable();
            if (min != null && min.getIntVal() != null && min.getIntVal() >= minReplicas) {
                problems.add("PodDisruptionBudget " + b.getMetadata().getName() + ": minAvailable " + min.getIntVal()
                        + " of at least " + minReplicas + " replicas blocks every voluntary eviction");
            }
        }
    }

    private Optional<ObjectNode> scalerOf(Workload w) {
        return stack.scaledObjects().stream().filter(s -> {
            JsonNode ref = s.path("spec").path("scaleTargetRef");
            return ref.path("name").asString().equals(w.name()) && ref.path("kind").asString("Deployment").equals(w.kind());
        }).findFirst();
    }

    private void scalers(Kafka kafka) {
        for (ObjectNode so : stack.scaledObjects()) {
            String name = "ScaledObject " + so.path("metadata").path("name").asString();
            JsonNode ref = so.path("spec").path("scaleTargetRef");
            Optional<Workload> target = stack.workloads().stream().filter(w -> w.name().equals(ref.path("name").asString())
                    && w.kind().equals(ref.path("kind").asString("Deployment"))).findFirst();
            if (target.isEmpty()) {
                problems.add(name + ": scaleTargetRef " + ref + " is no workload here");
                continue;
            }
            int max = so.path("spec").path("maxReplicaCount").asInt(100);
            int min = so.path("spec").path("minReplicaCount").asInt(0);
            if (min > max) {
                problems.add(name + ": minReplicaCount " + min + " above maxReplicaCount " + max);
            }
            for (JsonNode trigger : so.path("spec").path("triggers")) {
                JsonNode auth = trigger.path("authenticationRef");
                if (!auth.isMissingNode()) {
                    triggerAuthentication(name, auth.path("name").asString());
                }
                if (trigger.path("type").asString().equals("kafka")) {
                    kafkaTrigger(name, trigger.path("metadata"), target.get(), max, kafka);
                }
            }
        }
    }

    private void kafkaTrigger(String name, JsonNode md, Workload target, int max, Kafka kafka) {
        String bootstrap = md.path("bootstrapServers").asString();
        Optional<GenericKafkaListener> listener = listenerOf(kafka, bootstrap);
        if (listener.isEmpty()) {
            problems.add(name + ": bootstrapServers " + bootstrap + " is no listener of Strimzi Kafka " + kafka.getMetadata().getName());
        } else {
            boolean scram = listener.get().getAuth() instanceof KafkaListenerAuthenticationScramSha512;
            if (scram != "scram_sha512".equals(md.path("sasl").asString()) || listener.get().isTls() != "enable".equals(md.path("tls").asString())) {
                problems.add(name + ": sasl/tls do not match listener " + listener.get().getName());
            }
        }
        String topicName = md.path("topic").asString();
        Optional<KafkaTopic> topic = topic(topicName);
        if (topic.isEmpty()) {
            problems.add(name + ": topic " + topicName + " has no KafkaTopic");
        } else if (max > topic.get().getSpec().getPartitions()) {
            problems.add(name + ": maxReplicaCount " + max + " exceeds the " + topic.get().getSpec().getPartitions()
                    + " partitions of " + topicName + " (extra consumers would idle)");
        }
        // the group must be the one the target's service consumes that topic with
        String group = md.path("consumerGroup").asString();
        boolean consumes = false;
        for (Container c : target.template().getSpec().getContainers()) {
            ServiceConfig svc = service(c);
            if (svc != null) {
                consumes |= svc.channels(env(target, c)).stream()
                        .anyMatch(ch -> ch.incoming() && topicName.equals(ch.topic()) && group.equals(ch.groupId()));
            }
        }
        if (!consumes) {
            problems.add(name + ": " + target.name() + " does not consume " + topicName + " in group " + group);
        }
    }

    private void triggerAuthentication(String where, String name) {
        Optional<ObjectNode> ta = stack.triggerAuthentications().stream()
                .filter(t -> t.path("metadata").path("name").asString().equals(name)).findFirst();
        if (ta.isEmpty()) {
            problems.add(where + ": TriggerAuthentication " + name + " does not exist");
            return;
        }
        for (JsonNode ref : ta.get().path("spec").path("secretTargetRef")) {
            secretKey("TriggerAuthentication " + name + " " + ref.path("parameter").asString(),
                    ref.path("name").asString(), ref.path("key").asString());
        }
    }

    private void monitors() {
        for (ObjectNode sm : stack.serviceMonitors()) {
            String name = "ServiceMonitor " + sm.path("metadata").path("name").asString();
            Map<String, String> selector = new HashMap<>();
            sm.path("spec").path("selector").path("matchLabels").properties()
                    .forEach(e -> selector.put(e.getKey(), e.getValue().asString()));
            Optional<Service> svc = stack.services().stream().filter(s -> s.getMetadata().getLabels() != null
                    && s.getMetadata().getLabels().entrySet().containsAll(selector.entrySet())).findFirst();
            if (svc.isEmpty()) {
                problems.add(name + ": selects no Service");
                continue;
            }
            Optional<Workload> w = selected(svc.get().getSpec().getSelector());
            for (JsonNode ep : sm.path("spec").path("endpoints")) {
                String port = ep.path("port").asString();
                if (svc.get().getSpec().getPorts().stream().noneMatch(p -> port.equals(p.getName()))) {
                    problems.add(name + ": endpoint port " + port + " is no named port of Service " + svc.get().getMetadata().getName());
                }
                w.flatMap(x -> x.template().getSpec().getContainers().stream().map(this::service).filter(s -> s != null).findFirst())
                        .ifPresent(s -> {
                            if (!s.metricsPath().equals(ep.path("path").asString())) {
                                problems.add(name + ": path " + ep.path("path").asString() + " is not " + s.metricsPath());
                            }
                        });
            }
        }
    }
}
