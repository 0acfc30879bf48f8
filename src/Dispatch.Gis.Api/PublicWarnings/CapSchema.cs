using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace Dispatch.Gis.PublicWarnings;

/// <summary>
/// The OASIS CAP 1.2 schema as shipped in data/cap (its provenance is in data/cap/README.md): the one copy that checks
/// the alerts the monitoring feeds bring in and the public warnings this service sends out.
/// </summary>
internal static class CapSchema
{
    public const string Namespace = "urn:oasis:names:tc:emergency:cap:1.2";

    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "data", "cap", "CAP-v1.2.xsd");

    private static readonly Lazy<XmlSchemaSet> Compiled = new(() =>
    {
        var set = new XmlSchemaSet { XmlResolver = null };
        using var reader = XmlReader.Create(FilePath, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        set.Add(Namespace, reader);
        set.Compile();
        return set;
    });

    public static XmlSchemaSet Set => Compiled.Value;

    /// <summary>What the schema says is wrong with the document; empty when it is valid.</summary>
    public static List<string> Errors(XDocument document)
    {
        var errors = new List<string>();
        document.Validate(Set, (_, e) => errors.Add(e.Message));
        return errors;
    }
}
