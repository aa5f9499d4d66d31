package io.handoff.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.server.ServerSocketFactory;

/**
 * Server socket factory of one embedded Kafka node.
 *
 * <p>The listener ports of a node are chosen by binding server sockets to port 0 on 127.0.0.1
 * before the node's configuration is written. Those already bound sockets are handed to Kafka the
 * first time it opens the listener, so there is no window in which another process could grab the
 * port between choosing it and binding it. When a node is restarted, the factory binds a fresh
 * socket to the same port (with {@code SO_REUSEADDR}), so the node comes back at the same address.
 */
final class NodeSocketFactory implements ServerSocketFactory {

  static final String LOOPBACK = "127.0.0.1";

  private final Map<String, ServerSocketChannel> prebound = new HashMap<>();
  private final Map<String, Integer> ports = new HashMap<>();

  /**
   * Binds a server socket for the given listener on a free loopback port and remembers it.
   *
   * @return the port
   */
  synchronized int reserve(String listenerName) throws IOException {
    if (ports.containsKey(listenerName)) {
      throw new IllegalStateException("Listener " + listenerName + " already has a port");
    }
    ServerSocketChannel channel = ServerSocketChannel.open();
    try {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0), 50);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
    prebound.put(listenerName, channel);
    ports.put(listenerName, port);
    return port;
  }

  synchronized int port(String listenerName) {
    Integer port = ports.get(listenerName);
    if (port == null) {
      throw new IllegalStateException("No port reserved for listener " + listenerName);
    }
    return port;
  }

  @Override
  public synchronized ServerSocketChannel openServerSocket(
      String listenerName,
      InetSocketAddress socketAddress,
      int listenBacklogSize,
      int recvBufferSize)
      throws IOException {
    ServerSocketChannel channel = prebound.remove(listenerName);
    if (channel != null) {
      if (channel.isOpen() && socketAddress.getPort() == ports.get(listenerName)) {
        if (recvBufferSize > 0) {
          channel.socket().setReceiveBufferSize(recvBufferSize);
        }
        return channel;
      }
      channel.close();
    }
    Integer reserved = ports.get(listenerName);
    int port = reserved != null ? reserved : socketAddress.getPort();
    InetSocketAddress address =
        socketAddress.getAddress() != null
            ? new InetSocketAddress(socketAddress.getAddress(), port)
            : new InetSocketAddress(socketAddress.getHostString(), port);
    ServerSocketChannel fresh = ServerSocketChannel.open();
    try {
      fresh.configureBlocking(false);
      fresh.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      if (recvBufferSize > 0) {
        fresh.socket().setReceiveBufferSize(recvBufferSize);
      }
      fresh.bind(address, listenBacklogSize);
      return fresh;
    } catch (IOException | RuntimeException e) {
      fresh.close();
      throw new IOException(
          "Embedded Kafka could not bind listener "
              + listenerName
              + " to "
              + address.getHostString()
              + ":"
              + port
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Closes sockets that were reserved but never handed to Kafka. */
  synchronized void closeUnused() {
    for (ServerSocketChannel channel : prebound.values()) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // best effort
      }
    }
    prebound.clear();
  }
}
