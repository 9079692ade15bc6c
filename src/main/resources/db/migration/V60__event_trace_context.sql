-- The W3C traceparent of the span that wrote an event (the webhook's or the poll's reconcile), so the
-- push that later delivers it, on whichever replica, continues that trace. Null when tracing is off.
ALTER TABLE call_event ADD COLUMN traceparent text;
