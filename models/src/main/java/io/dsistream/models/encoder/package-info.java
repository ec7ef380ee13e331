/**
 * The pretrained sentence encoders (MiniLM-L6, bge-small) as Hugging Face-compatible BERT blocks on DJL's
 * PyTorch engine, with their weights read from the FP32 ONNX files that Maven artifacts carry.
 */
package io.dsistream.models.encoder;
