package io.dsistream.operators.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dsistream.schemas.training.TrainerEvent;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** Turns the balance monitor's index-health reports with status {@code alert} into the trainer's balance triggers. */
public class HealthAlerts implements FlatMapFunction<String, TrainerEvent> {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void flatMap(String report, Collector<TrainerEvent> out) throws Exception {
        JsonNode node = JSON.readTree(report);
        if ("alert".equals(node.path("status").asText())) {
            out.collect(TrainerEvent.balanceAlert(node.path("reasons").toString()));
        }
    }
}
