/**
 * Hugging Face inputs: a model directory's {@code config.json} ({@link dev.twin.core.hf.HfConfig}) and PEFT LoRA
 * adapter directories ({@link dev.twin.core.hf.LoraAdapter}) opened as full experts
 * ({@link dev.twin.core.hf.ExpertSources}).
 */
package dev.twin.core.hf;
