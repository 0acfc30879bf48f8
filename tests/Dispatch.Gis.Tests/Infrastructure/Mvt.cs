namespace Dispatch.Gis.Tests.Infrastructure;

/// <summary>A decoded Mapbox Vector Tile feature: tile-grid geometry (rings/lines/points as lists of points) and attributes.</summary>
public sealed record MvtFeature(ulong? Id, int Type, IReadOnlyList<IReadOnlyList<(int X, int Y)>> Parts, IReadOnlyDictionary<string, object> Attributes)
{
    public const int Point = 1;
    public const int LineString = 2;
    public const int Polygon = 3;

    public string? Text(string key) => Attributes.TryGetValue(key, out var v) ? v as string : null;

    public IEnumerable<(int X, int Y)> Points => Parts.SelectMany(p => p);
}

public sealed record MvtLayer(string Name, int Version, uint Extent, IReadOnlyList<MvtFeature> Features);

/// <summary>
/// A small decoder of the MVT 2.1 protobuf (github.com/mapbox/vector-tile-spec), written for the tests so they check
/// the bytes the service sends without trusting a second implementation's leniency.
/// </summary>
public static class Mvt
{
    public static IReadOnlyList<MvtLayer> Decode(byte[] tile)
    {
        var layers = new List<MvtLayer>();
        var r = new Reader(tile);
        while (!r.End)
        {
            var (field, wire) = r.Tag();
            if (field == 3 && wire == 2)
            {
                layers.Add(DecodeLayer(r.Bytes()));
            }
            else
            {
                r.Skip(wire);
            }
        }

        return layers;
    }

    private static MvtLayer DecodeLayer(byte[] bytes)
    {
        var r = new Reader(bytes);
        string name = "";
        var version = 1;
        uint extent = 4096;
        var keys = new List<string>();
        var values = new List<object>();
        var raw = new List<byte[]>();
        while (!r.End)
        {
            var (field, wire) = r.Tag();
            switch (field)
            {
                case 1: name = System.Text.Encoding.UTF8.GetString(r.Bytes()); break;
                case 2: raw.Add(r.Bytes()); break;
                case 3: keys.Add(System.Text.Encoding.UTF8.GetString(r.Bytes())); break;
                case 4: values.Add(DecodeValue(r.Bytes())); break;
                case 5: extent = (uint)r.Varint(); break;
                case 15: version = (int)r.Varint(); break;
                default: r.Skip(wire); break;
            }
        }

        return new MvtLayer(name, version, extent, raw.Select(f => DecodeFeature(f, keys, values)).ToList());
    }

    private static object DecodeValue(byte[] bytes)
    {
        var r = new Reader(bytes);
        object value = "";
        while (!r.End)
        {
            var (field, wire) = r.Tag();
            value = field switch
            {
                1 => System.Text.Encoding.UTF8.GetString(r.Bytes()),
                2 => (double)BitConverter.ToSingle(r.Fixed(4)),
                3 => BitConverter.ToDouble(r.Fixed(8)),
                4 => (double)(long)r.Varint(),
                5 => (double)r.Varint(),
                6 => (double)ZigZag(r.Varint()),
                7 => r.Varint() != 0,
                _ => Skip(r, wire),
            };
        }

        return value;
    }

    private static string Skip(Reader r, int wire)
    {
        r.Skip(wire);
        return "";
    }

    private static MvtFeature DecodeFeature(byte[] bytes, List<string> keys, List<object> values)
    {
        var r = new Reader(bytes);
        ulong? id = null;
        var type = 0;
        var tags = new List<uint>();
        var geometry = new List<uint>();
        while (!r.End)
        {
            var (field, wire) = r.Tag();
            switch (field)
            {
                case 1: id = r.Varint(); break;
                case 2: tags.AddRange(r.Packed()); break;
                case 3: type = (int)r.Varint(); break;
                case 4: geometry.AddRange(r.Packed()); break;
                default: r.Skip(wire); break;
            }
        }

        var attributes = new Dictionary<string, object>();
        for (var i = 0; i + 1 < tags.Count; i += 2)
        {
            attributes[keys[(int)tags[i]]] = values[(int)tags[i + 1]];
        }

        return new MvtFeature(id, type, DecodeGeometry(geometry), attributes);
    }

    /// <summary>Commands MoveTo (1), LineTo (2), ClosePath (7) with zigzag deltas, into one point list per part.</summary>
    private static List<IReadOnlyList<(int X, int Y)>> DecodeGeometry(List<uint> commands)
    {
        var parts = new List<IReadOnlyList<(int X, int Y)>>();
        List<(int X, int Y)>? current = null;
        int x = 0, y = 0, i = 0;
        while (i < commands.Count)
        {
            var command = commands[i] & 7;
            var count = (int)(commands[i] >> 3);
            i++;
            if (command == 7)
            {
                if (current is { Count: > 0 })
                {
                    current.Add(current[0]);
                }

                continue;
            }

            for (var n = 0; n < count; n++)
            {
                x += (int)ZigZag(commands[i++]);
                y += (int)ZigZag(commands[i++]);
                if (command == 1)
                {
                    current = [];
                    parts.Add(current);
                }

                current!.Add((x, y));
            }
        }

        return parts;
    }

    private static long ZigZag(ulong n) => (long)(n >> 1) ^ -(long)(n & 1);

    private sealed class Reader(byte[] data)
    {
        private int _at;

        public bool End => _at >= data.Length;

        public (int Field, int Wire) Tag()
        {
            var tag = Varint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = data[_at++];
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }
        }

        public byte[] Bytes()
        {
            var length = (int)Varint();
            var bytes = data[_at..(_at + length)];
            _at += length;
            return bytes;
        }

        public byte[] Fixed(int length)
        {
            var bytes = data[_at..(_at + length)];
            _at += length;
            return bytes;
        }

        public List<uint> Packed()
        {
            var inner = new Reader(Bytes());
            var list = new List<uint>();
            while (!inner.End)
            {
                list.Add((uint)inner.Varint());
            }

            return list;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _at += 8; break;
                case 2: _at += (int)Varint(); break;
                case 5: _at += 4; break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
    }
}

/// <summary>Web Mercator (XYZ) tile arithmetic for tests.</summary>
public static class TileMath
{
    public static (int X, int Y) TileOf(double lon, double lat, int z)
    {
        var n = 1 << z;
        var x = (int)Math.Floor((lon + 180) / 360 * n);
        var r = lat * Math.PI / 180;
        var y = (int)Math.Floor((1 - Math.Log(Math.Tan(r) + 1 / Math.Cos(r)) / Math.PI) / 2 * n);
        return (x, y);
    }
}
