package dev.inferbus.local.metering;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Item sizes as "DynamoDB item sizes and formats" states them, worked by hand from its rules. */
class ItemSizeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static long size(String item) throws Exception {
        return ItemSize.of(JSON.readTree(item));
    }

    @Test
    void scalarsAreTheirNamesBytesAndTheirValues() throws Exception {
        // "id" 2 + "é1" 3 (é is 2 UTF-8 bytes)
        assertThat(size("{\"id\":{\"S\":\"é1\"}}")).isEqualTo(5);
        // "n" 1 + 12345 (5 significant digits: 3 bytes) + 1
        assertThat(size("{\"n\":{\"N\":\"12345\"}}")).isEqualTo(1 + 3 + 1);
        // leading and trailing zeros are trimmed: 0.0012300 has the digits 123
        assertThat(size("{\"n\":{\"N\":\"0.0012300\"}}")).isEqualTo(1 + 2 + 1);
        // "b" 1 + 3 raw bytes (base64 "AQID")
        assertThat(size("{\"b\":{\"B\":\"AQID\"}}")).isEqualTo(4);
        assertThat(size("{\"ok\":{\"BOOL\":true},\"x\":{\"NULL\":true}}")).isEqualTo(2 + 1 + 1 + 1);
    }

    @Test
    void listsAndMapsCarryThreeBytesAndOnePerElement() throws Exception {
        // "l" 1 + 3 + ("a" 1 + 1) + (7: 1 byte + 1, + 1)
        assertThat(size("{\"l\":{\"L\":[{\"S\":\"a\"},{\"N\":\"7\"}]}}")).isEqualTo(1 + 3 + 2 + 3);
        // "m" 1 + 3 + 1 element + ("k" 1 + "vv" 2)
        assertThat(size("{\"m\":{\"M\":{\"k\":{\"S\":\"vv\"}}}}")).isEqualTo(1 + 3 + 1 + 3);
        // an empty map: its name and 3 bytes
        assertThat(size("{\"m\":{\"M\":{}}}")).isEqualTo(4);
        // a set: its elements
        assertThat(size("{\"s\":{\"SS\":[\"ab\",\"c\"]}}")).isEqualTo(1 + 3);
    }

    @Test
    void requestUnitsRoundUpPerKilobyteToWriteAndPerFourToRead() {
        assertThat(CapacityLog.writeUnits(1)).isEqualTo(1);
        assertThat(CapacityLog.writeUnits(1024)).isEqualTo(1);
        assertThat(CapacityLog.writeUnits(1025)).isEqualTo(2);
        assertThat(CapacityLog.readUnits(4097, true)).isEqualTo(2);
        assertThat(CapacityLog.readUnits(4097, false)).isEqualTo(1);
        assertThat(CapacityLog.readUnits(0, false)).isEqualTo(0.5);
    }
}
