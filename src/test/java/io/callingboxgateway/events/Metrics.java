package io.callingboxgateway.events;

import static io.restassured.RestAssured.given;

/** Reads one value from the Prometheus scrape, as a dashboard would. */
final class Metrics {

    private Metrics() {}

    /** The value of an untagged series, or 0 when it has not been registered yet. */
    static double value(String series) {
        String scrape =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ") || line.startsWith(series + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
