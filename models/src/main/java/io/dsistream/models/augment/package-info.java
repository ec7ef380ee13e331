/**
 * Text augmentations from the DSI + PEFT report (Borgi et al., §2.3): Num2Word ({@link
 * io.dsistream.models.augment.NumberToWords}), stop-word and punctuation removal ({@link
 * io.dsistream.models.augment.StopWordRemover}) and POS-guided masking for POS-MLM ({@link
 * io.dsistream.models.augment.PosGuidedMasker}), combined by {@link io.dsistream.models.augment.TextAugmenter}
 * under the switches of {@link io.dsistream.models.augment.AugmentationOptions}. Text in, text out; everything
 * offline: the stop-word lists ({@link io.dsistream.models.augment.EnglishStopWords}) are resources of this
 * package and the OpenNLP models ({@link io.dsistream.models.augment.UdEnglishModels}) come from Maven jars on
 * the classpath.
 */
package io.dsistream.models.augment;
