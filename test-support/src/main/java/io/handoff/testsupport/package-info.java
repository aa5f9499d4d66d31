/**
 * Test scaffolding shared by the modules' test suites: {@link io.handoff.testsupport.SharedKafka}
 * (one embedded broker per test JVM), {@link io.handoff.testsupport.LogCapture}, {@link
 * io.handoff.testsupport.PartitionReader} and {@link io.handoff.testsupport.ThreadLeakCheck}.
 * Depend on it in {@code test} scope only.
 */
package io.handoff.testsupport;
