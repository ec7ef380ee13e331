/** What every DJL user in models/ needs of the engine itself: switching autograd off for inference. */
package io.dsistream.models.djl;
