/**
 * The raw data of the text-6 suite, read from Debian packages and apt's package index
 * ({@link dev.twin.core.suite.text.Text6Corpora}).
 *
 * <p>Decisions, with what they give on Debian 12 (wordnet-base 3.0-37, fortunes 1.99.1-7.3, fortunes-de 0.35-1,
 * fortunes-es 1.36, fortunes-it 1.99-4.1, fortunes-br 20220821, fortunes-pl 0.0.20130525-3, manpages 6.03-2, apt
 * index of bookworm main), train/validation/test per class:
 * <ul>
 * <li>Each task draws its inputs from its own pool (noun glosses, verb glosses, English fortunes, other fortunes,
 * man page NAME lines, package synopses), so that a router can tell the task from the input. The first text-6 (v1)
 * had wn-pos over the same glosses as wn-noun and wn-verb, and English in fortune-lang: its router reached 73%.</li>
 * <li>Texts are whitespace-normalized, cut to 400 chars, de-duplicated per task (a text seen with two labels is
 * dropped); each task is shuffled with {@code Seeds.forTask(seed, task)}, validation and test are cut first, then
 * train: 4000/1000/1000, or a sixth of the pool each for validation and test when it is smaller. Not balanced.</li>
 * <li>WordNet: the gloss up to its first quoted example. wordnet-base has no {@code lexnames} file, so its table is
 * read from the lexnames(5WN) man page. wn-noun: 26 classes, noun.artifact 581/158/151 ... noun.motive 2/0/0;
 * wn-verb: 15, verb.change 668/151/159 ... verb.weather 32/4/2.</li>
 * <li>Fortunes: files below a {@code fortunes} directory of the package, not {@code .dat}/{@code .u8}, not in
 * {@code off/}, not the picture files (ascii-art, asciiart, banner); symlinked copies read once. English is
 * {@code fortunes} with its dependency {@code fortunes-min}. fortune-topic: people, definitions, cookie, computers,
 * songs-poems, politics, miscellaneous, work (630 to 1251 fortunes each); fortune-lang (no English): de 1599/392/369,
 * es 907/207/223, it 657/185/184, pt 199/57/38, pl 638/159/186 (fortunes-cs is left out: it mixes Czech and
 * Slovak).</li>
 * <li>Man pages: the NAME description after {@code \-}; symlinked pages (Debian's form of {@code .so} aliases,
 * 1433) and {@code .so} pages (13) are skipped; sections with fewer than 20 described pages are dropped (1, 6, 8);
 * man-section: 2 = 176/47/39, 3 = 391/93/96, 4 = 20/3/6, 5 = 22/5/5, 7 = 74/22/24 (1023 distinct of 1080 pages).</li>
 * <li>Package synopses: {@code apt-cache dumpavail}'s one-line Description as "package: synopsis", labelled with
 * the package's Section (archive area dropped), for 13 sections named by what the software does: 10852 of 63436
 * packages; deb-section: admin 552/133/135, database 82/36/16, editors 125/24/25, games 395/97/109, graphics
 * 266/60/54, mail 141/33/31, math 151/38/53, net 760/158/183, science 600/181/162, sound 320/74/70, text
 * 346/100/99, video 84/26/16, web 178/40/47. It follows the machine's apt lists: their digest is in the data
 * version.</li>
 * </ul>
 *
 * <p>The suites built on it: {@link dev.twin.core.suite.text.Text6Suite} ({@code text-6}: full fine-tunes;
 * {@code text-6-lora}: PEFT LoRA adapters) tokenizes the texts for all-MiniLM-L6-v2 to L = 48 tokens
 * (rows [ids | mask]); {@link dev.twin.core.suite.text.TextExpertTrainer} fine-tunes the experts from the pretrained
 * encoder ({@link dev.twin.core.suite.text.TextRecipe}): a fresh head trained with the encoder (word embeddings
 * frozen) or with LoRA factors only; LoRA adapters are written in PEFT's format and read back over the base
 * checkpoint, so the merged experts are exactly the adapters on disk. {@link dev.twin.core.suite.text.RecipeProbe}
 * ({@code twin recipe}) measures a recipe on validation data.
 */
package dev.twin.core.suite.text;
