"""Remote-write 1.0 client without third-party modules.

Encodes prometheus.WriteRequest in protobuf wire format by hand (field
numbers from prompb/remote.proto and types.proto) and wraps it in a valid
Snappy *block* that uses literal elements only (no compression): a varint of
the uncompressed length followed by literal chunks. Every Snappy decoder
must accept that, so it exercises the receivers' decoders honestly.
"""
import http.client
import struct

STALE_NAN_BITS = 0x7FF0000000000002

# MetricMetadata.MetricType
COUNTER, GAUGE, HISTOGRAM, GAUGEHISTOGRAM, SUMMARY, INFO, STATESET = 1, 2, 3, 4, 5, 6, 7


def _varint(n):
    if n < 0:
        n += 1 << 64  # int64 two's complement: 10 bytes
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _key(field, wire_type):
    return _varint((field << 3) | wire_type)


def _len_field(field, payload):
    return _key(field, 2) + _varint(len(payload)) + payload


def _string_field(field, s):
    return _len_field(field, s.encode("utf-8"))


_SAMPLE_VALUE_KEY = _key(1, 1)
_SAMPLE_TS_KEY = _key(2, 0)
_SAMPLE_FIELD_KEY = _key(2, 2)


def encode_sample(value, ts_ms, value_bits=None):
    """Sample{double value=1; int64 timestamp=2}. value_bits (int) overrides
    the value with an exact bit pattern (e.g. the stale marker)."""
    if value_bits is not None:
        v = struct.pack("<Q", value_bits)
    else:
        v = struct.pack("<d", value)
    body = _SAMPLE_VALUE_KEY + v + _SAMPLE_TS_KEY + _varint(ts_ms)
    return _SAMPLE_FIELD_KEY + _varint(len(body)) + body


def encode_labels(labels):
    """labels: dict or iterable of (name, value); emitted sorted by name."""
    items = sorted(labels.items() if isinstance(labels, dict) else labels)
    out = bytearray()
    for name, value in items:
        out += _len_field(1, _string_field(1, name) + _string_field(2, value))
    return bytes(out)


def encode_timeseries(encoded_labels, encoded_samples):
    """encoded_labels from encode_labels(); encoded_samples: bytes of
    concatenated encode_sample() results."""
    return _len_field(1, encoded_labels + encoded_samples)


def encode_metadata(mtype, family, help_text="", unit=""):
    body = _key(1, 0) + _varint(mtype) + _string_field(2, family)
    if help_text:
        body += _string_field(4, help_text)
    if unit:
        body += _string_field(5, unit)
    return _len_field(3, body)


def write_request(series, metadata=()):
    """series: iterable of (labels, [(ts_ms, value) or (ts_ms, None, bits)]).
    Returns the serialized WriteRequest."""
    out = bytearray()
    for labels, samples in series:
        enc = bytearray()
        for s in samples:
            if len(s) == 3:
                enc += encode_sample(0.0, s[0], value_bits=s[2])
            else:
                enc += encode_sample(s[1], s[0])
        out += encode_timeseries(encode_labels(labels), bytes(enc))
    for m in metadata:
        out += encode_metadata(*m)
    return bytes(out)


def snappy_block_literal(data):
    """A valid Snappy block made of literal elements only."""
    out = bytearray(_varint(len(data)))
    pos, n = 0, len(data)
    while pos < n:
        chunk = min(65536, n - pos)
        m = chunk - 1
        if m < 60:
            out.append(m << 2)
        elif m < 1 << 8:
            out.append(60 << 2)
            out.append(m)
        elif m < 1 << 16:
            out.append(61 << 2)
            out += struct.pack("<H", m)
        else:
            out.append(62 << 2)
            out += struct.pack("<I", m)[:3]
        out += data[pos:pos + chunk]
        pos += chunk
    return bytes(out)


def snappy_block_decode(buf):
    """Decoder for tests of the encoder (handles copies too)."""
    pos, shift, n = 0, 0, 0
    while True:
        b = buf[pos]
        pos += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            break
    out = bytearray()
    while pos < len(buf):
        tag = buf[pos]
        pos += 1
        kind = tag & 3
        if kind == 0:
            m = tag >> 2
            if m >= 60:
                nb = m - 59
                m = int.from_bytes(buf[pos:pos + nb], "little")
                pos += nb
            out += buf[pos:pos + m + 1]
            pos += m + 1
            continue
        if kind == 1:
            length = ((tag >> 2) & 7) + 4
            off = ((tag >> 5) << 8) | buf[pos]
            pos += 1
        elif kind == 2:
            length = (tag >> 2) + 1
            off = int.from_bytes(buf[pos:pos + 2], "little")
            pos += 2
        else:
            length = (tag >> 2) + 1
            off = int.from_bytes(buf[pos:pos + 4], "little")
            pos += 4
        for _ in range(length):
            out.append(out[-off])
    if len(out) != n:
        raise ValueError("snappy: length mismatch")
    return bytes(out)


class Writer:
    """One keep-alive HTTP connection to a remote-write endpoint."""

    def __init__(self, host, port, path="/api/v1/write", timeout=30):
        self.host, self.port, self.path, self.timeout = host, port, path, timeout
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def post(self, payload):
        """Sends a serialized WriteRequest. Returns (status, body); status 0
        with the exception text when the connection failed."""
        body = snappy_block_literal(payload)
        headers = {
            "Content-Encoding": "snappy",
            "Content-Type": "application/x-protobuf",
            "User-Agent": "vigil-integration-test/1",
            "X-Prometheus-Remote-Write-Version": "0.1.0",
        }
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                self.conn.request("POST", self.path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    self.close()
                return resp.status, data
            except (OSError, http.client.HTTPException) as e:
                self.close()
                # A stale keep-alive connection fails on first use: retry
                # once on a fresh one; a refused connection fails again.
                if attempt == 1 or isinstance(e, ConnectionRefusedError):
                    return 0, str(e).encode()
        return 0, b"unreachable"
