/**
 * An in-process, real Apache Kafka cluster (KRaft mode, built from Kafka's own server classes) for
 * integration tests, demos and benchmarks. Start with {@link
 * io.handoff.embedded.EmbeddedKafkaCluster#builder()}.
 */
package io.handoff.embedded;
