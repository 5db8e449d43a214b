package dev.twin.core.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twin.core.tensor.CheckpointException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A PEFT LoRA {@code adapter_config.json}. Target modules are either a list (a module is targeted when its path
 * equals an entry or ends with "." + entry, as PEFT matches) or a regular expression that must match the whole
 * module path (PEFT's {@code re.fullmatch}); exactly one of {@code targetModules} / {@code targetModulesRegex} is
 * set. Settings this project does not implement (DoRA, rank or alpha patterns, layers_to_transform, bias other than
 * "none", LoRA biases, layer replication) are refused on read rather than silently ignored.
 *
 * @param r                   the rank of every factor pair
 * @param loraAlpha           α of the scale α/r (α/√r with {@code useRslora})
 * @param targetModules       module name suffixes, empty when {@code targetModulesRegex} is used
 * @param targetModulesRegex  a full-match regex over module paths, or null
 * @param fanInFanOut         the targeted layers store their weight as [in, out], so ΔW is transposed
 * @param baseModelNameOrPath where the base came from (informative), may be null
 * @param modulesToSave       modules whose parameters the adapter replaces wholesale (e.g. "classifier")
 * @param useRslora           rank-stabilized scale α/√r instead of α/r
 */
public record LoraConfig(int r, double loraAlpha, List<String> targetModules, String targetModulesRegex,
                         boolean fanInFanOut, String baseModelNameOrPath, List<String> modulesToSave,
                         boolean useRslora) {
    /** File name inside an adapter directory. */
    public static final String FILE = "adapter_config.json";

    /** @throws IllegalArgumentException naming the bad value */
    public LoraConfig {
        if (r <= 0) {
            throw new IllegalArgumentException("r must be positive, got " + r);
        }
        if (!Double.isFinite(loraAlpha)) {
            throw new IllegalArgumentException("lora_alpha must be finite, got " + loraAlpha);
        }
        targetModules = targetModules == null ? List.of() : List.copyOf(targetModules);
        modulesToSave = modulesToSave == null ? List.of() : List.copyOf(modulesToSave);
        if (targetModules.isEmpty() == (targetModulesRegex == null)) {
            throw new IllegalArgumentException("target_modules must be either a non-empty list or a regex string"
                    + " (got list " + targetModules + " and regex " + targetModulesRegex + ")");
        }
        for (String t : targetModules) {
            if (t.isEmpty()) {
                throw new IllegalArgumentException("target_modules has an empty entry");
            }
        }
        if (targetModulesRegex != null) {
            try {
                Pattern.compile(targetModulesRegex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("target_modules regex '" + targetModulesRegex
                        + "' does not compile: " + e.getDescription());
            }
        }
        for (String m : modulesToSave) {
            if (m.isEmpty()) {
                throw new IllegalArgumentException("modules_to_save has an empty entry");
            }
        }
    }

    /** A plain adapter: list targets, α/r scale, no fan_in_fan_out, nothing saved wholesale. */
    public static LoraConfig of(int r, double loraAlpha, List<String> targetModules, String baseModelNameOrPath) {
        return new LoraConfig(r, loraAlpha, targetModules, null, false, baseModelNameOrPath, List.of(), false);
    }

    /** The factor applied to B·A: α/r, or α/√r for rank-stabilized LoRA. */
    public double scale() {
        return useRslora ? loraAlpha / Math.sqrt(r) : loraAlpha / r;
    }

    /** Whether PEFT would have put LoRA on the module at {@code modulePath}. */
    public boolean targets(String modulePath) {
        if (targetModulesRegex != null) {
            return Pattern.matches(targetModulesRegex, modulePath);
        }
        for (String t : targetModules) {
            if (modulePath.equals(t) || modulePath.endsWith("." + t)) {
                return true;
            }
        }
        return false;
    }

    /** Whether tensor {@code name} is a parameter of a module in modules_to_save (a module path ending in an entry). */
    public boolean saves(String name) {
        for (String m : modulesToSave) {
            if (name.startsWith(m + ".") || name.contains("." + m + ".")) {
                return true;
            }
        }
        return false;
    }

    /** The target_modules value as adapter_config.json writes it: the regex, or the list. */
    public String targetsString() {
        return targetModulesRegex != null ? "'" + targetModulesRegex + "'" : targetModules.toString();
    }

    /**
     * Reads {@code adapterDir/adapter_config.json}.
     *
     * @throws CheckpointException naming the file and the missing, mistyped or unsupported key
     */
    public static LoraConfig read(Path adapterDir) {
        JsonFields f = JsonFields.read(adapterDir.resolve(FILE), "a PEFT LoRA adapter directory holds " + FILE
                + " and adapter_model.safetensors");
        String peftType = f.optionalString("peft_type", "LORA");
        if (!peftType.equals("LORA")) {
            throw f.error("peft_type is '" + peftType + "'; only LORA adapters are supported");
        }
        refuseUnsupported(f);
        String need = "required in a LoRA " + FILE;
        int r = f.requiredInt("r", need);
        double alpha = f.requiredDouble("lora_alpha", need);
        JsonNode targets = f.get("target_modules");
        if (targets == null) {
            throw f.error("missing key 'target_modules' (" + need + ")");
        }
        List<String> targetList = null;
        String targetRegex = null;
        if (targets.isTextual()) {
            targetRegex = targets.textValue();
        } else if (targets.isArray()) {
            targetList = strings(f, "target_modules", targets);
        } else {
            throw f.error("key 'target_modules' is " + JsonFields.kind(targets)
                    + ", expected a list of module names or a regex string");
        }
        JsonNode save = f.get("modules_to_save");
        List<String> modulesToSave = List.of();
        if (save != null) {
            if (!save.isArray()) {
                throw f.error("key 'modules_to_save' is " + JsonFields.kind(save) + ", expected a list or null");
            }
            modulesToSave = strings(f, "modules_to_save", save);
        }
        try {
            return new LoraConfig(r, alpha, targetList, targetRegex, f.optionalBoolean("fan_in_fan_out", false),
                    f.optionalString("base_model_name_or_path", null), modulesToSave,
                    f.optionalBoolean("use_rslora", false));
        } catch (IllegalArgumentException e) {
            throw f.error(e.getMessage());
        }
    }

    /** Keys that change what the tensors mean; accepted only at their neutral value. */
    private static void refuseUnsupported(JsonFields f) {
        String bias = f.optionalString("bias", "none");
        if (!bias.equals("none")) {
            throw f.error("bias is '" + bias + "'; only bias \"none\" is supported (biases trained with the adapter"
                    + " are not read)");
        }
        if (f.optionalBoolean("use_dora", false)) {
            throw f.error("use_dora is true; DoRA adapters are not supported, only plain LoRA");
        }
        if (f.optionalBoolean("lora_bias", false)) {
            throw f.error("lora_bias is true; LoRA biases are not supported");
        }
        for (String key : List.of("rank_pattern", "alpha_pattern")) {
            JsonNode v = f.get(key);
            if (v != null && !(v.isObject() && v.isEmpty())) {
                throw f.error(key + " is " + v + "; per-module ranks and alphas are not supported (use one r and"
                        + " lora_alpha)");
            }
        }
        for (String key : List.of("layers_to_transform", "layer_replication", "target_parameters")) {
            JsonNode v = f.get(key);
            if (v != null && !(v.isArray() && v.isEmpty())) {
                throw f.error(key + " is " + v + "; this setting is not supported");
            }
        }
    }

    private static List<String> strings(JsonFields f, String key, JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : array) {
            if (!e.isTextual()) {
                throw f.error("key '" + key + "' has entry " + e + " (" + JsonFields.kind(e)
                        + "), expected module names");
            }
            out.add(e.textValue());
        }
        return out;
    }

    /** Writes {@code adapterDir/adapter_config.json} with the keys PEFT's LoraConfig reads. */
    public void write(Path adapterDir) {
        ObjectNode o = JsonFields.MAPPER.createObjectNode();
        o.put("peft_type", "LORA");
        o.putNull("task_type");
        if (baseModelNameOrPath == null) {
            o.putNull("base_model_name_or_path");
        } else {
            o.put("base_model_name_or_path", baseModelNameOrPath);
        }
        o.put("r", r);
        // PEFT types lora_alpha as int: write integral values without a fraction
        if (loraAlpha == Math.rint(loraAlpha) && Math.abs(loraAlpha) < Integer.MAX_VALUE) {
            o.put("lora_alpha", (int) loraAlpha);
        } else {
            o.put("lora_alpha", loraAlpha);
        }
        if (targetModulesRegex != null) {
            o.put("target_modules", targetModulesRegex);
        } else {
            ArrayNode a = o.putArray("target_modules");
            targetModules.forEach(a::add);
        }
        o.put("fan_in_fan_out", fanInFanOut);
        o.put("bias", "none");
        if (modulesToSave.isEmpty()) {
            o.putNull("modules_to_save");
        } else {
            ArrayNode a = o.putArray("modules_to_save");
            modulesToSave.forEach(a::add);
        }
        o.put("use_rslora", useRslora);
        o.put("use_dora", false);
        o.put("lora_dropout", 0.0);
        o.put("inference_mode", true);
        o.put("init_lora_weights", true);
        o.putObject("rank_pattern");
        o.putObject("alpha_pattern");
        o.putNull("layers_to_transform");
        o.putNull("layers_pattern");
        JsonFields.write(adapterDir.resolve(FILE), o);
    }
}
