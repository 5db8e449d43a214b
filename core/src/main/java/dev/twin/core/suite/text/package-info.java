/**
 * The raw data of the text-6 suite, read from Debian packages ({@link dev.twin.core.suite.text.Text6Corpora}).
 *
 * <p>Decisions, with what they give on Debian 12 (wordnet-base 3.0-37, fortunes 1.99.1-7.3, fortunes-de 0.35-1,
 * fortunes-es 1.36, fortunes-it 1.99-4.1, manpages 6.03-2), train/validation/test per class:
 * <ul>
 * <li>Texts are whitespace-normalized, cut to 400 chars, de-duplicated per task (a text seen with two labels is
 * dropped); each task is shuffled with {@code Seeds.forTask(seed, task)}, validation and test are cut first, then
 * train: 4000/1000/1000, or a sixth of the pool each for validation and test when it is smaller. Not balanced.</li>
 * <li>WordNet: the gloss up to its first quoted example. wordnet-base has no {@code lexnames} file, so its table is
 * read from the lexnames(5WN) man page. wn-noun: 26 classes, noun.artifact 581/158/151 ... noun.motive 2/0/0;
 * wn-verb: 15, verb.change 668/151/159 ... verb.weather 32/4/2; wn-pos: noun 2806/704/692, verb 464/107/102,
 * adjective (a and s) 615/157/175, adverb 115/32/31.</li>
 * <li>Fortunes: files below a {@code fortunes} directory of the package, not {@code .dat}/{@code .u8}, not in
 * {@code off/}, not the picture files (ascii-art, asciiart, banner); symlinked copies read once. English is
 * {@code fortunes} with its dependency {@code fortunes-min}. fortune-topic: people, definitions, cookie, computers,
 * songs-poems, politics, miscellaneous, work (630 to 1251 fortunes each); fortune-lang: en 1175/291/263,
 * de 1424/349/362, es 790/191/217, it 611/169/158.</li>
 * <li>Man pages: the NAME description after {@code \-}; symlinked pages (Debian's form of {@code .so} aliases,
 * 1433) and {@code .so} pages (13) are skipped; sections with fewer than 20 described pages are dropped (1, 6, 8);
 * man-section: 2 = 176/47/39, 3 = 391/93/96, 4 = 20/3/6, 5 = 22/5/5, 7 = 74/22/24 (1023 distinct of 1080 pages).</li>
 * </ul>
 *
 * <p>The suites built on it: {@link dev.twin.core.suite.text.Text6Suite} ({@code text-6}: full fine-tunes;
 * {@code text-6-lora}: PEFT LoRA adapters) tokenizes the texts for all-MiniLM-L6-v2 to L = 48 tokens
 * (rows [ids | mask]); {@link dev.twin.core.suite.text.TextExpertTrainer} trains the experts by LP-FT from the
 * pretrained encoder ({@link dev.twin.core.suite.text.TextRecipe}): a linear probe, then AdamW on the encoder
 * (word embeddings frozen) or on LoRA factors only; LoRA adapters are written in PEFT's format and read back over
 * the base checkpoint, so the merged experts are exactly the adapters on disk.
 */
package dev.twin.core.suite.text;
