package io.dsistream.pipelines.cli;

import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.models.eval.EuroparlSample;
import io.dsistream.pipelines.cluster.StandaloneCluster;
import io.dsistream.pipelines.indexing.DocumentsProducer;
import io.dsistream.pipelines.indexing.IndexingTopics;
import io.dsistream.schemas.DocumentRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code dsi cluster send}: writes a corpus slice to the cluster's documents topic. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Sends documents of a BEIR corpus (default: the Europarl sample) to the documents topic.")
final class ClusterSendCommand implements Callable<Integer> {

    @Option(names = "--work-dir", defaultValue = ClusterCommand.DEFAULT_WORK_DIR, paramLabel = "DIR",
            description = "The cluster `dsi cluster up` started (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Another Kafka instead of the local cluster's broker.")
    String bootstrapServers;

    @Option(names = "--dataset", paramLabel = "DIR", description = "BEIR directory whose corpus.jsonl is sent.")
    Path dataset;

    @Option(names = "--offset", defaultValue = "0", paramLabel = "N",
            description = "Skip the first N documents (default: ${DEFAULT-VALUE}).")
    int offset;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "Send at most N documents; 0: all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() throws Exception {
        String servers = bootstrapServers != null ? bootstrapServers
                : StandaloneCluster.attach(workDir).bootstrapServers();
        List<BeirDocument> corpus = dataset == null ? EuroparlSample.englishDocuments()
                : BeirDataset.load(dataset).corpus();
        int from = Math.min(offset, corpus.size());
        int to = limit > 0 ? Math.min(corpus.size(), from + limit) : corpus.size();
        try (DocumentsProducer producer = new DocumentsProducer(servers, IndexingTopics.DOCUMENTS)) {
            for (BeirDocument d : corpus.subList(from, to)) {
                producer.send(DocumentRecord.upsert(d.id(), d.title(), d.text()));
            }
            producer.flush();
        }
        System.err.printf("sent documents %d..%d to %s on %s%n", from, to - 1, IndexingTopics.DOCUMENTS, servers);
        return 0;
    }
}
