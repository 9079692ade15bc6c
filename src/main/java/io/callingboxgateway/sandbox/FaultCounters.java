package io.callingboxgateway.sandbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.atomic.AtomicLong;

/** How often each fault has struck since start (or the last reset), so a user can see them happen. */
final class FaultCounters {

    final AtomicLong dropped = new AtomicLong();
    final AtomicLong duplicated = new AtomicLong();
    final AtomicLong delayed = new AtomicLong();
    final AtomicLong wrongSignatures = new AtomicLong();
    final AtomicLong silenced = new AtomicLong();

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("dropped", dropped.get());
        json.put("duplicated", duplicated.get());
        json.put("delayed", delayed.get());
        json.put("wrong_signatures", wrongSignatures.get());
        json.put("silenced", silenced.get());
        return json;
    }
}
