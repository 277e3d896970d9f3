package dev.callsight.collector.slo;

import dev.callsight.config.ConfigException;
import dev.callsight.config.YamlNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OpenSLO v1 documents of an SLO file by kind and name, so an {@code SLO} can refer to an {@code SLI}, an
 * {@code AlertPolicy} or an {@code AlertCondition} anywhere in the file, as {@code export --format openslo} and
 * other tools write them. {@code Service}, {@code DataSource} and {@code AlertNotificationTarget} documents are
 * accepted and have no effect: they name things callsight does not need.
 */
final class OpenSloDocuments {

    private static final Set<String> KINDS = Set.of("SLO", "SLI", "AlertPolicy", "AlertCondition", "Service",
            "DataSource", "AlertNotificationTarget");

    private final Map<String, Map<String, YamlNode>> byKind = new HashMap<>();
    private final Map<YamlNode, String> kinds = new IdentityHashMap<>();

    private OpenSloDocuments() {
    }

    /** Checks every OpenSLO document's version and kind, and indexes them; callsight's own documents are skipped. */
    static OpenSloDocuments collect(List<YamlNode> roots) throws ConfigException {
        OpenSloDocuments documents = new OpenSloDocuments();
        for (YamlNode root : roots) {
            Map<String, YamlNode> entries = root.mapping("an SLO file", Set.of());
            YamlNode apiVersion = entries.get("apiVersion");
            if (apiVersion == null) {
                continue;
            }
            if (!apiVersion.scalar("'apiVersion'").equals(OpenSloWriter.API_VERSION)) {
                throw apiVersion.error("only OpenSLO 'openslo/v1' is supported, not '"
                        + apiVersion.scalar("'apiVersion'") + "'");
            }
            YamlNode kindNode = YamlNode.required(root, entries, "kind", "an OpenSLO document");
            String kind = kindNode.scalar("'kind'");
            if (!KINDS.contains(kind)) {
                throw kindNode.error("OpenSLO kind '" + kind + "' is not supported; expected one of " + KINDS);
            }
            documents.kinds.put(root, kind);
            if (!kind.equals("SLO")) {
                YamlNode metadata = YamlNode.required(root, entries, "metadata", "an OpenSLO " + kind);
                YamlNode name = YamlNode.required(metadata, metadata.mapping("'metadata'", Set.of()), "name",
                        "'metadata'");
                YamlNode previous = documents.byKind.computeIfAbsent(kind, k -> new HashMap<>())
                        .put(name.scalar("'name'"), root);
                if (previous != null) {
                    throw name.error("OpenSLO " + kind + " '" + name.scalar("'name'") + "' is already defined on "
                            + "line " + previous.line());
                }
            }
        }
        return documents;
    }

    boolean isSlo(YamlNode root) {
        return "SLO".equals(kinds.get(root));
    }

    /** The SLI document an {@code indicatorRef} names. */
    YamlNode sli(YamlNode reference) throws ConfigException {
        return named("SLI", reference, "'indicatorRef'");
    }

    /**
     * The severities of an entry of an SLO's {@code alertPolicies}: an {@code alertPolicyRef}, or an inline policy;
     * its conditions inline or by {@code conditionRef}.
     */
    List<String> severities(YamlNode policyEntry) throws ConfigException {
        Map<String, YamlNode> entry = policyEntry.mapping("an alert policy", Set.of());
        YamlNode policy = entry.containsKey("alertPolicyRef")
                ? named("AlertPolicy", entry.get("alertPolicyRef"), "'alertPolicyRef'") : policyEntry;
        Map<String, YamlNode> policyFields = policy.mapping("an alert policy", Set.of());
        YamlNode specNode = YamlNode.required(policy, policyFields, "spec", "an alert policy");
        Map<String, YamlNode> spec = specNode.mapping("an alert policy's 'spec'", Set.of());
        List<String> severities = new ArrayList<>();
        for (YamlNode conditionEntry : YamlNode.required(specNode, spec, "conditions", "an alert policy's 'spec'")
                .sequence("'conditions'")) {
            Map<String, YamlNode> fields = conditionEntry.mapping("an alert condition", Set.of());
            YamlNode condition = fields.containsKey("conditionRef")
                    ? named("AlertCondition", fields.get("conditionRef"), "'conditionRef'") : conditionEntry;
            Map<String, YamlNode> conditionFields = condition.mapping("an alert condition", Set.of());
            YamlNode conditionSpec = YamlNode.required(condition, conditionFields, "spec", "an alert condition");
            severities.add(YamlNode.required(conditionSpec, conditionSpec.mapping("an alert condition's 'spec'",
                    Set.of()), "severity", "an alert condition's 'spec'").scalar("'severity'"));
        }
        return severities;
    }

    private YamlNode named(String kind, YamlNode reference, String what) throws ConfigException {
        String name = reference.scalar(what);
        YamlNode document = byKind.getOrDefault(kind, Map.of()).get(name);
        if (document == null) {
            throw reference.error(what + " '" + name + "' names no OpenSLO " + kind + " document in this file");
        }
        return document;
    }
}
