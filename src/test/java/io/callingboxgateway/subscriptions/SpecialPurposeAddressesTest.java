package io.callingboxgateway.subscriptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpecialPurposeAddressesTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "127.0.0.1 | loopback",
                "127.255.0.9 | loopback",
                "10.0.0.5 | private use",
                "172.31.255.1 | private use",
                "192.168.1.1 | private use",
                "100.64.0.1 | shared address space (CGNAT)",
                "100.127.255.254 | shared address space (CGNAT)",
                "169.254.1.1 | link local",
                "169.254.169.254 | cloud metadata",
                "192.0.0.192 | cloud metadata",
                "192.0.0.8 | IETF protocol assignments",
                "0.0.0.0 | this network",
                "0.1.2.3 | this network",
                "224.0.0.1 | multicast",
                "239.255.255.250 | multicast",
                "255.255.255.255 | limited broadcast",
                "240.0.0.1 | reserved",
                "192.0.2.10 | documentation (TEST-NET-1)",
                "198.51.100.7 | documentation (TEST-NET-2)",
                "203.0.113.99 | documentation (TEST-NET-3)",
                "198.18.0.1 | benchmarking",
                "198.19.255.1 | benchmarking",
                "::1 | loopback",
                ":: | unspecified address",
                "fd00::1 | unique local",
                "fc00::1 | unique local",
                "fe80::1 | link local",
                "ff02::1 | multicast",
                "fd00:ec2::254 | cloud metadata",
                "fd00:ec2::23 | cloud metadata (time service)",
                "2001:db8::1 | documentation",
                "2001:2::5 | IETF protocol assignments (Teredo, benchmarking, ORCHID)",
                "::169.254.169.254 | IPv4-compatible (deprecated)",
                "::8.8.8.8 | IPv4-compatible (deprecated)",
                "::ffff:127.0.0.1 | loopback",
                "::ffff:169.254.169.254 | cloud metadata",
                "64:ff9b::a00:1 | private use",
                "64:ff9b::a9fe:a9fe | cloud metadata",
                "64:ff9b:1::8.8.8.8 | local-use IPv4/IPv6 translation",
                "2002:a00:1:: | private use",
                "2002:7f00:1::1 | loopback",
                "2002:a9fe:a9fe:: | cloud metadata"
            })
    void specialPurposeAddressesAreNamedByTheirBlock(String address, String block) throws Exception {
        assertEquals(
                block,
                SpecialPurposeAddresses.of(InetAddress.getByName(address))
                        .orElseThrow(() -> new AssertionError(address + " is special-purpose"))
                        .name());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "8.8.8.8",
                "1.1.1.1",
                "100.63.255.255",
                "100.128.0.0",
                "172.32.0.1",
                "169.253.255.255",
                "223.255.255.255",
                "2606:4700::1111",
                "2a00:1450:4001::200e",
                "64:ff9b::808:808",
                "2002:808:808::1"
            })
    void publicAddressesAreNotSpecial(String address) throws Exception {
        assertTrue(
                SpecialPurposeAddresses.of(InetAddress.getByName(address)).isEmpty(),
                address + " is an ordinary public address");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "10.0.0.0/8 | 10.255.1.2 | true",
                "10.0.0.0/8 | 11.0.0.1 | false",
                "10.1.2.3/8 | 10.9.9.9 | true",
                "100.64.0.0/10 | 100.127.0.1 | true",
                "100.64.0.0/10 | 100.128.0.1 | false",
                "192.0.2.7 | 192.0.2.7 | true",
                "192.0.2.7 | 192.0.2.8 | false",
                "fd00::/8 | fd12::1 | true",
                "fd00::/8 | fe00::1 | false",
                "[::1] | ::1 | true",
                "10.0.0.0/8 | ::ffff:10.0.0.1 | true",
                "::ffff:10.0.0.0/104 | 10.0.0.1 | true",
                "0.0.0.0/0 | ::1 | false"
            })
    void cidrBlocksHoldWhatTheirPrefixSays(String cidr, String address, boolean contained) throws Exception {
        assertEquals(contained, Cidr.parse(cidr).contains(InetAddress.getByName(address)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "10.0.0.0/33", "10.0.0.0/x", "10.0.0", "fd00::/129", ""})
    void aCidrIsAnAddressLiteralWithAFittingPrefix(String text) {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
    }

    @org.junit.jupiter.api.Test
    void aBlockCoversOnlyBlocksInsideIt() {
        assertTrue(Cidr.parse("169.254.0.0/16").covers(Cidr.parse("169.254.169.254")));
        assertFalse(Cidr.parse("169.254.169.254").covers(Cidr.parse("169.254.0.0/16")));
        assertFalse(Cidr.parse("10.0.0.0/8").covers(Cidr.parse("fd00::/8")));
    }
}
