package dev.conduit.platform.http;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.limits.AddressRange;
import dev.conduit.platform.limits.Buckets;
import dev.conduit.platform.limits.ClientLimits;
import dev.conduit.platform.limits.RateLimit;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Per-client token buckets. As a filter: every write to the API (POST, PUT, PATCH, DELETE) takes a token from its
 * client address's bucket, and an authenticated one from its account's too; the web pages' form posts take theirs
 * through {@link #write}. Logins and registrations also take one
 * from their address's own, smaller bucket ({@link #login}, {@link #registration}, called by their routes). Over a
 * limit: 429 with {@code Retry-After}. Requests from exempt addresses ({@code RATE_LIMIT_EXEMPT}, loopback by
 * default: local tools, or a proxy not yet named in {@code TRUSTED_PROXIES}, which would put every client in one
 * bucket) are never limited.
 */
public final class RateLimits implements Filter {
    private static final System.Logger LOG = System.getLogger(RateLimits.class.getName());

    private final Buckets buckets;
    private final ClientLimits limits;
    private final ClientAddresses addresses;
    private final List<AddressRange> exempt;
    private final Auth auth;
    private final AtomicBoolean warnedOfProxy = new AtomicBoolean();

    public RateLimits(Buckets buckets, ClientLimits limits, ClientAddresses addresses, List<AddressRange> exempt,
                      Auth auth) {
        this.buckets = buckets;
        this.limits = limits;
        this.addresses = addresses;
        this.exempt = List.copyOf(exempt);
        this.auth = auth;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Method method = req.prologue().method();
        if ((method == Method.POST || method == Method.PUT || method == Method.PATCH || method == Method.DELETE)
                && req.path().rawPath().startsWith("/api/")) {
            InetAddress client = limited(req);
            if (client != null) {
                // the token is read only for a client that is limited: a bad one is the route's to refuse
                takeWrite(client, auth.optional(req).map(Auth.Caller::userId).orElse(null));
            }
        }
        chain.proceed();
    }

    /** A web page's form post: the buckets of a write, as for the API's. */
    public void write(ServerRequest req, long account) {
        InetAddress client = limited(req);
        if (client != null) {
            takeWrite(client, account);
        }
    }

    /** Before a login's password check: its address's login bucket. */
    public void login(ServerRequest req) {
        InetAddress client = limited(req);
        if (client != null) {
            take(limits.loginPerAddress(), client.getHostAddress(), "address");
        }
    }

    /** Before a registration's password hash: its address's registration bucket. */
    public void registration(ServerRequest req) {
        InetAddress client = limited(req);
        if (client != null) {
            take(limits.registrationPerAddress(), client.getHostAddress(), "address");
        }
    }

    /** The client's address, or null when it is exempt. */
    private InetAddress limited(ServerRequest req) {
        InetAddress client = addresses.of(req);
        for (AddressRange range : exempt) {
            if (range.contains(client)) {
                if (client.isLoopbackAddress() && req.headers().contains(HeaderNames.X_FORWARDED_FOR)
                        && warnedOfProxy.compareAndSet(false, true)) {
                    LOG.log(System.Logger.Level.WARNING, "Requests from " + client.getHostAddress() + " carry "
                            + "X-Forwarded-For, but that proxy is not in TRUSTED_PROXIES: its clients share its "
                            + "address, which RATE_LIMIT_EXEMPT exempts from every limit; name it in TRUSTED_PROXIES");
                }
                return null;
            }
        }
        return client;
    }

    /** Its address's bucket, and its account's (null: none). */
    private void takeWrite(InetAddress client, Long account) {
        take(limits.writesPerAddress(), client.getHostAddress(), "address");
        if (account != null) {
            take(limits.writesPerAccount(), Long.toString(account), "account");
        }
    }

    private void take(RateLimit limit, String key, String field) {
        Duration wait = buckets.take(limit, key);
        if (!wait.isZero()) {
            throw new Failure.Throttled(field, wait);
        }
    }
}
