package dev.conduit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * At-least-once delivery under a crash (issue 10, item 6): a Conduit is killed (SIGKILL) after its worker sent a
 * webhook and before it could record so. The job stays taken until its lease is over; then a node takes it again and
 * sends it with the same id, so the receiver, dropping repeats by that id, gets it once.
 */
class JobCrashTest {
    @Test
    void aDeliveryWhoseNodeWasKilledBeforeRecordingItIsSentAgainWithTheSameId() throws Exception {
        Path dataDir = TestServer.newDataDir();
        var env = new HashMap<>(TestServer.embeddedEnvironment(dataDir));
        env.put("JOB_LEASE_SECONDS", "2");
        var ids = new LinkedBlockingQueue<String>();
        var sent = new CountDownLatch(1);
        var killed = new CountDownLatch(1);
        var receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            ids.add(exchange.getRequestHeaders().getFirst("Conduit-Webhook-Id"));
            if (sent.getCount() > 0) {
                // the whole request is here: the node dies before it hears the answer, and so before it records it
                sent.countDown();
                try {
                    killed.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        try {
            Api.User author;
            long webhook;
            try (var first = ConduitProcess.start(env)) {
                var api = first.api();
                author = api.register("crashed_jobs");
                var registered = api.post("/user/webhooks", Api.wrap("webhook", "url", url, "events",
                        List.of("article.published")), author.token());
                assertThat(registered.status()).as(registered.body()).isEqualTo(201);
                webhook = registered.at("/webhook/id").asLong();
                api.createArticle(author, Api.unique("Crash"), List.of());
                assertThat(sent.await(20, TimeUnit.SECONDS)).as("the first attempt was sent").isTrue();
                first.kill();
                killed.countDown();
            }
            String firstId = ids.take();

            // the same data folder: its database, with the job still taken by the dead node
            try (var second = ConduitProcess.start(env)) {
                String again = ids.poll(30, TimeUnit.SECONDS);
                assertThat(again).as("sent again once the dead node's lease was over").isEqualTo(firstId);
                var api = second.api();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                var delivery = api.get("/user/webhooks/" + webhook + "/deliveries", author.token())
                        .at("/deliveries/0");
                while (!delivery.get("deliveredAt").isTextual() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    delivery = api.get("/user/webhooks/" + webhook + "/deliveries", author.token())
                            .at("/deliveries/0");
                }
                assertThat(delivery.get("id").asText()).isEqualTo(firstId);
                assertThat(delivery.get("deliveredAt").isTextual()).as("recorded as delivered").isTrue();
                assertThat(delivery.get("lastStatus").asInt()).isEqualTo(204);
                Thread.sleep(500);
                assertThat(ids).as("no third send").isEmpty();
            }
        } finally {
            receiver.stop(0);
            ConduitProcess.stopOrphanedPostgres(dataDir);
            TestServer.deleteTree(dataDir);
        }
    }
}
