package io.callingboxgateway.subscriptions.delivery;

import io.callingboxgateway.subscriptions.HostResolver;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DNS the tests script: for the names they give it, each lookup takes the next answer (the last one
 * repeats), the way a name re-pointed between two lookups would answer. Every other name goes to the
 * system resolver, so the rest of the suite runs as before.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class ScriptedDns implements HostResolver {

    private final Map<String, Deque<String>> answers = new ConcurrentHashMap<>();

    /** @param inTurn the address each lookup answers, in turn; the last answers every lookup after */
    public void answer(String host, String... inTurn) {
        answers.put(host, new ArrayDeque<>(java.util.List.of(inTurn)));
    }

    public void forgetAll() {
        answers.clear();
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        Deque<String> script = answers.get(host);
        if (script == null) {
            return InetAddress.getAllByName(host);
        }
        String next;
        synchronized (script) {
            next = script.size() > 1 ? script.poll() : script.peek();
        }
        return new InetAddress[] {
            InetAddress.getByAddress(host, InetAddress.getByName(next).getAddress())
        };
    }
}
