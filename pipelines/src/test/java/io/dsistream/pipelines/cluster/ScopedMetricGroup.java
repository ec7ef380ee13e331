package io.dsistream.pipelines.cluster;

import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A metric group with a logical scope and variables, as Flink's runtime groups have them (the unregistered groups of
 * flink-runtime have no logical scope once a child group is added): for reporter tests.
 */
final class ScopedMetricGroup implements MetricGroup, LogicalScopeProvider {

    private final List<String> logicalScope;
    private final Map<String, String> variables;

    ScopedMetricGroup(List<String> logicalScope, Map<String, String> variables) {
        this.logicalScope = List.copyOf(logicalScope);
        this.variables = new LinkedHashMap<>(variables);
    }

    /** An operator group: {@code taskmanager.job.task.operator} with the usual variables. */
    static ScopedMetricGroup operator(String jobName, String operatorName) {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("<host>", "localhost");
        variables.put("<job_name>", jobName);
        variables.put("<operator_name>", operatorName);
        variables.put("<subtask_index>", "0");
        return new ScopedMetricGroup(List.of("taskmanager", "job", "task", "operator"), variables);
    }

    @Override
    public String getLogicalScope(CharacterFilter filter) {
        return getLogicalScope(filter, '.');
    }

    @Override
    public String getLogicalScope(CharacterFilter filter, char delimiter) {
        List<String> parts = new ArrayList<>();
        logicalScope.forEach(p -> parts.add(filter.filterCharacters(p)));
        return String.join(String.valueOf(delimiter), parts);
    }

    @Override
    public MetricGroup getWrappedMetricGroup() {
        return this;
    }

    @Override
    public Counter counter(String name) {
        return new SimpleCounter();
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
        return counter;
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
        return gauge;
    }

    @Override
    public <H extends Histogram> H histogram(String name, H histogram) {
        return histogram;
    }

    @Override
    public <M extends Meter> M meter(String name, M meter) {
        return meter;
    }

    @Override
    public MetricGroup addGroup(String name) {
        List<String> scope = new ArrayList<>(logicalScope);
        scope.add(name);
        return new ScopedMetricGroup(scope, variables);
    }

    @Override
    public MetricGroup addGroup(String key, String value) {
        return addGroup(key);
    }

    @Override
    public String[] getScopeComponents() {
        return logicalScope.toArray(new String[0]);
    }

    @Override
    public Map<String, String> getAllVariables() {
        return variables;
    }

    @Override
    public String getMetricIdentifier(String metricName) {
        return String.join(".", logicalScope) + "." + metricName;
    }

    @Override
    public String getMetricIdentifier(String metricName, CharacterFilter filter) {
        return filter.filterCharacters(getMetricIdentifier(metricName));
    }
}
