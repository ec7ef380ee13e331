/**
 * The DSI++ protocol streamed through the job with its trainer on ({@code dsi bench continual}):
 * {@link io.dsistream.pipelines.continual.StreamedDsiPlusPlus}.
 */
package io.dsistream.pipelines.continual;
