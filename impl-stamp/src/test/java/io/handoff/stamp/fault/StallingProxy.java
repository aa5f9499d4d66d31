package io.handoff.stamp.fault;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A TCP proxy in front of one Kafka broker that can stall: while stalled it forwards nothing in
 * either direction and holds the connections open, as a broker frozen in a long pause looks to its
 * clients. It reads Kafka's frames (a 4-byte size, then the message), so that it can stall at a
 * chosen point of the traffic, and rewrites the broker's port in metadata responses to its own, so
 * that clients bootstrapped here keep coming here. Loopback only; a test's helper, not a test.
 */
final class StallingProxy implements AutoCloseable {

  private final int brokerPort;
  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private final AtomicInteger produceResponses = new AtomicInteger();
  private boolean stalled;
  private volatile int stallAfterProduceResponses = -1;
  private volatile long stallMs;
  private volatile long stalledAtNanos;
  private volatile boolean closed;

  StallingProxy(int brokerPort) throws IOException {
    this.brokerPort = brokerPort;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread acceptor = new Thread(this::accept, "stalling-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String bootstrap() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /**
   * Arms the stall: once {@code n} more produce responses have been forwarded, forwards nothing for
   * {@code ms} milliseconds, then carries on by itself.
   */
  void stallAfterProduceResponses(int n, long ms) {
    stallMs = ms;
    stalledAtNanos = 0;
    stallAfterProduceResponses = produceResponses.get() + n;
  }

  /** When the last stall began ({@link System#nanoTime()}), or 0 if it has not. */
  long stalledAtNanos() {
    return stalledAtNanos;
  }

  private void stall() {
    stallAfterProduceResponses = -1;
    synchronized (gate) {
      stalled = true;
      stalledAtNanos = System.nanoTime();
    }
    Thread resume =
        new Thread(
            () -> {
              try {
                Thread.sleep(stallMs);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              synchronized (gate) {
                stalled = false;
                gate.notifyAll();
              }
            },
            "stalling-proxy-resume");
    resume.setDaemon(true);
    resume.start();
  }

  private void awaitOpen() throws InterruptedException {
    synchronized (gate) {
      while (stalled && !closed) {
        gate.wait(100);
      }
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket broker = new Socket(InetAddress.getLoopbackAddress(), brokerPort);
        client.setTcpNoDelay(true);
        broker.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(broker);
        Map<Integer, short[]> pending = new ConcurrentHashMap<>();
        start("stalling-proxy-requests", () -> requests(client, broker, pending), client, broker);
        start("stalling-proxy-responses", () -> responses(broker, client, pending), client, broker);
      } catch (IOException e) {
        if (!closed) {
          throw new IllegalStateException("the stalling proxy stopped accepting", e);
        }
      }
    }
  }

  private interface Pump {
    void run() throws IOException, InterruptedException;
  }

  private void start(String name, Pump pump, Socket a, Socket b) {
    Thread t =
        new Thread(
            () -> {
              try {
                pump.run();
              } catch (IOException | InterruptedException e) {
                // a side closed: close the other one too
              } finally {
                closeQuietly(a);
                closeQuietly(b);
              }
            },
            name);
    t.setDaemon(true);
    t.start();
  }

  /** Client to broker: remembers each request's api key and version by correlation id. */
  private void requests(Socket client, Socket broker, Map<Integer, short[]> pending)
      throws IOException, InterruptedException {
    DataInputStream in = new DataInputStream(client.getInputStream());
    DataOutputStream out = new DataOutputStream(broker.getOutputStream());
    while (true) {
      byte[] frame = new byte[in.readInt()];
      in.readFully(frame);
      ByteBuffer b = ByteBuffer.wrap(frame);
      pending.put(b.getInt(4), new short[] {b.getShort(0), b.getShort(2)});
      awaitOpen();
      out.writeInt(frame.length);
      out.write(frame);
      out.flush();
    }
  }

  /** Broker to client: metadata points at the proxy; produce responses may start a stall. */
  private void responses(Socket broker, Socket client, Map<Integer, short[]> pending)
      throws IOException, InterruptedException {
    DataInputStream in = new DataInputStream(broker.getInputStream());
    DataOutputStream out = new DataOutputStream(client.getOutputStream());
    while (true) {
      byte[] frame = new byte[in.readInt()];
      in.readFully(frame);
      short[] request = pending.remove(ByteBuffer.wrap(frame).getInt(0));
      if (request != null && request[0] == ApiKeys.METADATA.id) {
        frame = pointAtProxy(frame, request[1]);
      }
      awaitOpen();
      out.writeInt(frame.length);
      out.write(frame);
      out.flush();
      if (request != null && request[0] == ApiKeys.PRODUCE.id) {
        int target = stallAfterProduceResponses;
        if (produceResponses.incrementAndGet() == target) {
          stall();
        }
      }
    }
  }

  private byte[] pointAtProxy(byte[] frame, short version) {
    ByteBuffer b = ByteBuffer.wrap(frame);
    short headerVersion = ApiKeys.METADATA.responseHeaderVersion(version);
    ResponseHeader header = ResponseHeader.parse(b, headerVersion);
    MetadataResponse response = MetadataResponse.parse(new ByteBufferAccessor(b), version);
    MetadataResponseData data = response.data();
    for (MetadataResponseData.MetadataResponseBroker broker : data.brokers()) {
      if (broker.port() == brokerPort) {
        broker.setPort(server.getLocalPort());
      }
    }
    ResponseHeaderData h = header.data();
    ByteBuffer rewritten = RequestUtils.serialize(h, headerVersion, data, version);
    byte[] out = new byte[rewritten.remaining()];
    rewritten.get(out);
    return out;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (gate) {
      stalled = false;
      gate.notifyAll();
    }
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    sockets.forEach(StallingProxy::closeQuietly);
  }
}
