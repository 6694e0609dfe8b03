package io.bourse.common;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.EventBus;

/**
 * Carries the request id across the event bus without every sender and consumer having to remember: outbound
 * messages get the header from the current context, and inbound deliveries adopt it into the consumer's context so
 * the consumer's log lines carry it too.
 */
public final class RequestIdBusInterceptors {
  /**
   * Vert.x's prefix for the temporary addresses replies go to (EventBusImpl.generateReplyAddress). A reply is handled
   * on the requester's own context, which already carries the requester's id; the reply's header names whoever sent
   * it (a shard answering several commands from one of their contexts), so it must not overwrite the requester's id.
   */
  private static final String REPLY_ADDRESS_PREFIX = "__vertx.reply.";

  private RequestIdBusInterceptors() {}

  public static void install(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    bus.addOutboundInterceptor(RequestIdBusInterceptors::outbound);
    bus.addInboundInterceptor(RequestIdBusInterceptors::inbound);
  }

  private static void outbound(DeliveryContext<Object> delivery) {
    String requestId = RequestContext.current();
    if (requestId != null && !delivery.message().headers().contains(RequestContext.BUS_HEADER)) {
      delivery.message().headers().add(RequestContext.BUS_HEADER, requestId);
    }
    delivery.next();
  }

  private static void inbound(DeliveryContext<Object> delivery) {
    String address = delivery.message().address();
    if (address != null && address.startsWith(REPLY_ADDRESS_PREFIX)) {
      delivery.next();
      return;
    }
    String requestId = delivery.message().headers().get(RequestContext.BUS_HEADER);
    // Always overwrite (or clear): a consumer context must never keep the id of an earlier message.
    RequestContext.set(Vertx.currentContext(), requestId == null ? null : RequestContext.acceptOrGenerate(requestId));
    delivery.next();
  }
}
