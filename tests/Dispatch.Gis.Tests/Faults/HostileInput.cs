using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace Dispatch.Gis.Tests.Faults;

/// <summary>
/// Generators of hostile input for the service, as JSON text (so that numbers JSON cannot carry as values — 1e309,
/// -0.0, 5e-324 — reach the server exactly as an attacker would type them): GeoJSON of every type and shape with
/// coordinates at and beyond every limit, CRS codes, and any argument of any field from the schema's own
/// introspection, well-formed or of the wrong type, huge, or missing.
/// </summary>
internal static class HostileInput
{
    private static readonly Gen<char> Alphanumeric = Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"];

    // Kazakhstan's neighbourhood, where sane coordinates live; the rest are at or beyond the limits of WGS 84 and double.
    private static readonly string[] ExtremeNumbers =
    [
        "0", "-0", "-0.0", "180", "-180", "90", "-90", "180.0000001", "-180.0000001", "90.0000001", "-90.0000001",
        "360", "1e308", "-1e308", "1e309", "-1e309", "5e-324", "-5e-324", "1.7976931348623157e308", "4.9e-324",
        "123456789012345678901234567890", "-9223372036854775809", "1e-400", "0.1e1", "1E+2",
    ];

    private static readonly string[] NotNumbers = ["\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "null", "true", "\"76.9\"", "[]", "{}"];

    private static readonly string[] CrsCodes =
    [
        "4326", "3857", "32642", "32643", "32641", "4269", "28412", "2502", "900913", "0", "-1", "1", "99999", "2147483647",
        "-2147483648", "4326.5", "\"4326\"", "\"EPSG:4326\"", "2147483648", "null",
    ];

    private static readonly string[] GeometryTypes =
        ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"];

    public static readonly Gen<string> Coordinate = Gen.Frequency(
        (6, Gen.Double[40, 90].Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (3, Gen.OneOf(ExtremeNumbers)),
        (1, Gen.OneOf(NotNumbers)));

    private static readonly Gen<string> Position = Gen.Frequency(
        (8, Gen.Select(Coordinate, Coordinate, (x, y) => $"[{x},{y}]")),
        (1, Gen.Select(Coordinate, Coordinate, Coordinate, (x, y, z) => $"[{x},{y},{z}]")),
        (1, Gen.OneOf("[]", "[1]", "[1,2,3,4,5]", "1", "\"76,43\"", "null", "[[76,43]]")));

    // Around one point, so that rings are sometimes valid, sometimes bow-ties, spikes or zero-area.
    private static readonly Gen<string> SaneRing = Gen.Select(Gen.Double[50, 85], Gen.Double[41, 54], Gen.Double[-0.5, 0.5], Gen.Int[3, 12],
        Gen.OneOf("closed", "open", "bowtie", "spike", "repeated", "collapsed"),
        (lon, lat, r, n, shape) => Ring(lon, lat, r, n, shape));

    private static readonly Gen<string> AnyRing = Gen.Frequency(
        (5, SaneRing),
        (2, Position.Array[0, 6].Select(ps => "[" + string.Join(',', ps) + "]")),
        (1, Gen.OneOf("[]", "[[]]", "null", "\"ring\"", "[1,2,3]")));

    private static readonly Gen<string> Line = Gen.Frequency(
        (4, Position.Array[0, 6].Select(ps => "[" + string.Join(',', ps) + "]")),
        (1, SaneRing));

    private static readonly Gen<string> PolygonCoordinates = AnyRing.Array[0, 3].Select(rings => "[" + string.Join(',', rings) + "]");

    /// <summary>A GeoJSON geometry of any type: right, wrong or of another type's shape.</summary>
    public static readonly Gen<string> Geometry = Gen.Recursive<string>((depth, self) =>
    {
        var coordinates = Gen.Frequency(
            (2, Position),
            (2, Line),
            (3, PolygonCoordinates),
            (2, PolygonCoordinates.Array[0, 3].Select(ps => "[" + string.Join(',', ps) + "]")),
            (1, Gen.OneOf("null", "[]", "\"x\"", "{}", "[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]")));
        var typeName = Gen.Frequency((9, Gen.OneOf(GeometryTypes)),
            (1, Gen.OneOf("Feature", "FeatureCollection", "point", "Circle", "", "Polygon ", "Geometry")));
        var simple = Gen.Select(typeName, coordinates, Gen.Int[0, 9], Gen.OneOf(CrsCodes), (type, c, extra, crs) => extra switch
        {
            0 => $"{{\"type\":{JsonSerializer.Serialize(type)}}}",
            1 => $"{{\"coordinates\":{c}}}",
            2 => $"{{\"type\":{JsonSerializer.Serialize(type)},\"coordinates\":{c},\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"EPSG:{crs}\"}}}}}}",
            3 => $"{{\"type\":{JsonSerializer.Serialize(type)},\"coordinates\":{c},\"bbox\":[{crs},1,2]}}",
            _ => $"{{\"type\":{JsonSerializer.Serialize(type)},\"coordinates\":{c}}}",
        });
        return depth >= 3
            ? simple
            : Gen.Frequency(
                (9, simple),
                (1, self.Array[0, 3].Select(parts => $"{{\"type\":\"GeometryCollection\",\"geometries\":[{string.Join(',', parts)}]}}")));
    });

    /// <summary>Something that is not a GeoJSON object at all.</summary>
    private static readonly Gen<string> NotGeometry = Gen.OneOf("\"POINT(76 43)\"", "1", "[]", "true", "\"\"", "{}",
        "{\"type\":\"Point\",\"coordinates\":[76,43],\"type\":\"Polygon\"}");

    private static string Ring(double lon, double lat, double r, int n, string shape)
    {
        var size = Math.Abs(r) < 1e-6 ? 1e-6 : r;
        var points = new List<(double X, double Y)>();
        for (var i = 0; i < n; i++)
        {
            var a = 2 * Math.PI * i / n;
            points.Add((lon + size * Math.Cos(a), lat + size * Math.Sin(a)));
        }

        switch (shape)
        {
            case "bowtie":
                points = [(lon, lat), (lon + size, lat + size), (lon + size, lat), (lon, lat + size)];
                break;
            case "spike":
                points.Insert(1, (lon + 50 * size, lat));
                points.Insert(2, points[0]);
                break;
            case "repeated":
                points.Insert(1, points[0]);
                points.Insert(1, points[0]);
                break;
            case "collapsed":
                points = [(lon, lat), (lon + size, lat), (lon + 2 * size, lat)];
                break;
            default:
                break;
        }

        if (shape != "open")
        {
            points.Add(points[0]);
        }

        return "[" + string.Join(',', points.Select(p => $"[{p.X.ToString("R", CultureInfo.InvariantCulture)},{p.Y.ToString("R", CultureInfo.InvariantCulture)}]")) + "]";
    }

    private static readonly Gen<string> HostileString = Gen.Frequency(
        (4, Alphanumeric.Array[0, 20].Select(c => new string(c))),
        (2, Gen.String[0, 40]),
        (1, Gen.OneOf("", " ", "\u0000", "'; DROP TABLE events; --", "%", "_", "\\", "\"", "😀🇰🇿", "Алматы", "Қазақстан",
            "\u202Eevil", "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/x}", "NaN", "-0", "1e309", "null",
            "http://127.0.0.1:9/x", "https://127.0.0.1/hook", "file:///etc/passwd", "http://[::1]/", "ftp://x")),
        (1, Gen.Int[301, 5000].Select(n => new string('я', n))),
        (1, Gen.Frequency((9, Gen.Const(200_000)), (1, Gen.Const(1_100_000))).Select(n => new string('x', n))));

    private static readonly Gen<string> HostileNumberText = Gen.Frequency(
        (4, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.OneOf("0", "-1", "1", "2147483647", "-2147483648", "2147483648", "9223372036854775807", "-9223372036854775808",
            "9223372036854775808", "1e308", "1e309", "-0", "0.5", "5e-324", "100000", "10001")));

    private static readonly Gen<string> DateTimeText = Gen.OneOf(
        "2026-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z", "1970-01-01T00:00:00+14:00",
        "2026-13-45T25:61:61Z", "2026-02-29T00:00:00Z", "2026-06-01T12:00:00", "2026-06-01", "now", "", "1700000000",
        "2026-06-01T12:00:00-12:00", "+275760-09-13T00:00:00Z", "2026-06-01T12:00:00.123456789012Z");

    /// <summary>A value for a type reference of the schema's introspection, well-formed when <paramref name="hostile"/> is false.</summary>
    public static Gen<string> For(JsonNode type, Schema schema, string argument, IReadOnlyList<string> ids, bool hostile, int depth = 0)
    {
        var kind = type["kind"]!.GetValue<string>();
        if (kind == "NON_NULL")
        {
            var inner = For(type["ofType"]!, schema, argument, ids, hostile, depth);
            return hostile ? Gen.Frequency((12, inner), (1, Gen.Const("null"))) : inner;
        }

        // Nullable values are sometimes left out by the caller (an absent variable is null).
        if (kind == "LIST")
        {
            var element = For(type["ofType"]!, schema, argument, ids, hostile, depth + 1);
            var list = element.Array[0, hostile ? 6 : 3].Select(items => "[" + string.Join(',', items) + "]");
            // Long lists of well-formed elements: a huge string in each of 2,000 elements would only measure our own memory.
            var saneElement = For(type["ofType"]!, schema, argument, ids, hostile: false, depth + 1);
            return hostile
                ? Gen.Frequency((8, list), (1, element), (1, saneElement.Array[500, 2000].Select(items => "[" + string.Join(',', items) + "]")))
                : list;
        }

        var name = type["name"]!.GetValue<string>();
        var sane = kind switch
        {
            "ENUM" => Gen.OneOf(schema.EnumValues(name).Select(v => JsonSerializer.Serialize(v)).ToArray()),
            "INPUT_OBJECT" => depth > 4 ? Gen.Const("{}") : InputObject(name, schema, ids, hostile: false, depth),
            _ => Scalar(name, argument, ids, hostile: false),
        };
        if (!hostile)
        {
            return sane;
        }

        var wrong = kind switch
        {
            "ENUM" => Gen.OneOf("\"NOT_A_VALUE\"", "\"\"", "1", "\"" + schema.EnumValues(name)[0].ToLowerInvariant() + "\""),
            "INPUT_OBJECT" => depth > 4 ? Gen.Const("{}") : InputObject(name, schema, ids, hostile: true, depth),
            _ => Scalar(name, argument, ids, hostile: true),
        };
        return Gen.Frequency((1, sane), (3, wrong), (1, Gen.OneOf("\"x\"", "0", "true", "[]", "{}", "{\"a\":{\"b\":[1]}}")));
    }

    private static Gen<string> InputObject(string name, Schema schema, IReadOnlyList<string> ids, bool hostile, int depth)
    {
        var fields = schema.InputFields(name);
        var generators = fields.Select(f =>
        {
            var required = f.Type["kind"]!.GetValue<string>() == "NON_NULL";
            var value = For(f.Type, schema, f.Name, ids, hostile, depth + 1);
            // Optional fields are present about half the time; hostile input sometimes drops a required one.
            var keep = required ? (hostile ? Gen.Int[0, 19].Select(i => i != 0) : Gen.Const(true)) : Gen.Bool;
            return Gen.Select(keep, value, (k, v) => k ? JsonSerializer.Serialize(f.Name) + ":" + v : null);
        }).ToArray();
        var extra = hostile ? Gen.Int[0, 19].Select(i => i == 0 ? "\"notAField\":1" : null) : Gen.Const((string?)null);
        return Gen.Select(Sequence(generators), extra, (parts, x) => "{" + string.Join(',', parts.Append(x).Where(p => p is not null)) + "}");
    }

    private static Gen<string> Scalar(string name, string argument, IReadOnlyList<string> ids, bool hostile)
    {
        var lower = argument.ToLowerInvariant();
        if (lower.Contains("crs", StringComparison.Ordinal))
        {
            return hostile ? Gen.OneOf(CrsCodes) : Gen.OneOf("4326", "3857", "32642", "32643");
        }

        if (lower is "territory" or "kato" or "territories" || lower.EndsWith("kato", StringComparison.Ordinal))
        {
            var kato = Gen.OneOf("\"750000000\"", "\"190000000\"", "\"751110000\"", "\"000000000\"");
            return hostile ? Gen.Frequency((1, kato), (2, HostileString.Select(s => JsonSerializer.Serialize(s)))) : kato;
        }

        switch (name)
        {
            case "Geometry":
                return hostile ? Gen.Frequency((12, Geometry), (1, NotGeometry)) : Geometry;
            case "ID":
                var real = ids.Count == 0 ? Gen.Const("\"1\"") : Gen.OneOf(ids.Select(i => JsonSerializer.Serialize(i)).ToArray());
                return hostile
                    ? Gen.Frequency((3, real), (2, HostileNumberText.Select(n => JsonSerializer.Serialize(n))), (2, HostileString.Select(s => JsonSerializer.Serialize(s))),
                        (1, HostileNumberText))
                    : real;
            case "Int":
            case "Long":
                return hostile ? Gen.Frequency((4, HostileNumberText), (1, Gen.OneOf("\"12\"", "1.5", "null", "[]")))
                    : Gen.Int[0, 100].Select(i => i.ToString(CultureInfo.InvariantCulture));
            case "Float":
                return hostile ? Gen.Frequency((3, Gen.OneOf(ExtremeNumbers)), (1, Gen.OneOf(NotNumbers)))
                    : Gen.Double[0, 100].Select(d => d.ToString("R", CultureInfo.InvariantCulture));
            case "Boolean":
                return hostile ? Gen.OneOf("true", "false", "\"true\"", "1", "null") : Gen.OneOf("true", "false");
            case "DateTime":
                var now = Gen.Int[-3600 * 24 * 3, 600].Select(s => JsonSerializer.Serialize(DateTimeOffset.UtcNow.AddSeconds(s).ToString("O", CultureInfo.InvariantCulture)));
                return hostile ? Gen.Frequency((1, now), (2, DateTimeText.Select(s => JsonSerializer.Serialize(s))), (1, HostileNumberText)) : now;
            case "DateOnly":
                return hostile ? Gen.OneOf("\"2026-01-01\"", "\"0001-01-01\"", "\"9999-12-31\"", "\"2026-02-30\"", "\"yesterday\"", "20260101")
                    : Gen.Const(JsonSerializer.Serialize(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            case "JSON":
                var deep = Gen.Int[1, 300].Select(n => string.Concat(Enumerable.Repeat("{\"a\":", n)) + "1" + new string('}', n));
                return hostile ? Gen.Frequency((2, Gen.OneOf("{}", "[]", "\"x\"", "1e309", "null", "{\"type\":\"Point\"}")), (1, deep)) : Gen.Const("{}");
            default:
                var text = lower.Contains("url", StringComparison.Ordinal) || lower.Contains("webhook", StringComparison.Ordinal)
                    ? Gen.OneOf("http://127.0.0.1:9/hook", "https://127.0.0.1:9/hook")
                    : Alphanumeric.Array[1, 12].Select(c => new string(c));
                return hostile ? Gen.Frequency((1, text.Select(s => JsonSerializer.Serialize(s))), (4, HostileString.Select(s => JsonSerializer.Serialize(s))),
                        (1, HostileNumberText))
                    : text.Select(s => JsonSerializer.Serialize(s));
        }
    }

    private static Gen<string?[]> Sequence(Gen<string?>[] generators) =>
        generators.Length == 0 ? Gen.Const(Array.Empty<string?>())
            : generators.Aggregate(Gen.Const(ImmutableList()), (acc, g) => Gen.Select(acc, g, (list, v) => list.Add(v))).Select(l => l.ToArray());

    private static System.Collections.Immutable.ImmutableList<string?> ImmutableList() => [];

    /// <summary>A GraphQL literal for a JSON text whose keys are plain names (the generated geometry): keys lose their quotes.</summary>
    public static string ToGraphQLLiteral(string json)
    {
        var text = new StringBuilder(json.Length);
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] == '"')
            {
                var end = json.IndexOf('"', i + 1);
                while (end > 0 && json[end - 1] == '\\')
                {
                    end = json.IndexOf('"', end + 1);
                }

                var isKey = end > 0 && end + 1 < json.Length && json[end + 1] == ':';
                text.Append(isKey ? json[(i + 1)..end] : json[i..(end + 1)]);
                i = end;
            }
            else
            {
                text.Append(json[i]);
            }
        }

        return text.ToString();
    }
}

/// <summary>The parts of the schema's introspection the generators need.</summary>
internal sealed class Schema(JsonNode types)
{
    public sealed record Field(string Name, JsonNode Type);

    public sealed record Operation(string Kind, string Name, IReadOnlyList<Field> Arguments, JsonNode Type);

    public const string Introspection = """
        fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }
        query {
          __schema {
            queryType { name } mutationType { name }
            types { kind name enumValues { name } inputFields { name type { ...T } }
              fields { name type { ...T } args { name type { ...T } } } }
          }
        }
        """;

    private JsonNode Type(string name) => types.AsArray().First(t => t!["name"]!.GetValue<string>() == name)!;

    public IReadOnlyList<string> EnumValues(string name) => Type(name)["enumValues"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()).ToArray();

    public IReadOnlyList<Field> InputFields(string name) =>
        Type(name)["inputFields"]!.AsArray().Select(f => new Field(f!["name"]!.GetValue<string>(), f["type"]!)).ToArray();

    public IReadOnlyList<Operation> Operations(string kind, string typeName) =>
        Type(typeName)["fields"]!.AsArray().Select(f => new Operation(kind, f!["name"]!.GetValue<string>(),
            f["args"]!.AsArray().Select(a => new Field(a!["name"]!.GetValue<string>(), a["type"]!)).ToArray(), f["type"]!)).ToArray();

    /// <summary>What to select on a field of this type: nothing on a scalar, the type name (and id where there is one) on an object.</summary>
    public string Selection(JsonNode type)
    {
        while (type["ofType"] is { } inner && type["kind"]!.GetValue<string>() is "NON_NULL" or "LIST")
        {
            type = inner;
        }

        var kind = type["kind"]!.GetValue<string>();
        if (kind is not ("OBJECT" or "INTERFACE" or "UNION"))
        {
            return "";
        }

        var fields = Type(type["name"]!.GetValue<string>())["fields"]?.AsArray();
        var hasId = fields?.Any(f => f!["name"]!.GetValue<string>() == "id" && Unwrap(f["type"]!) is "ID") == true;
        return hasId ? "{ __typename id }" : "{ __typename }";
    }

    /// <summary>The GraphQL spelling of a type reference, for a variable definition.</summary>
    public static string Spell(JsonNode type) => type["kind"]!.GetValue<string>() switch
    {
        "NON_NULL" => Spell(type["ofType"]!) + "!",
        "LIST" => "[" + Spell(type["ofType"]!) + "]",
        _ => type["name"]!.GetValue<string>(),
    };

    public static string Unwrap(JsonNode type) => type["ofType"] is { } inner && type["kind"]!.GetValue<string>() is "NON_NULL" or "LIST" ? Unwrap(inner) : type["name"]!.GetValue<string>();
}
