/** Wire records (Kafka JSON), keyed-state types and their serializers with snapshots. */
package io.dsistream.schemas;
