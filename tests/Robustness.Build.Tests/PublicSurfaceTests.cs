using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Robustness.Tests.Shared;

namespace Robustness.Build.Tests;

/// <summary>
/// The libraries' public types are exactly those listed in docs/public-api.txt: a new public type is a decision, named
/// and justified in docs/architecture.md ("Public surface") and added to the list in the same change.
/// </summary>
public sealed class PublicSurfaceTests
{
    private static readonly string[] _libraries =
        ["Robustness.Data", "Robustness.Perturbations", "Robustness.Models", "Robustness.Statistics", "Robustness.Evaluation"];

    [Test]
    public void PublicTypes_AreTheListedOnes()
    {
        var actual = new List<string>();
        foreach (string library in _libraries)
        {
            string dll = Path.Combine(TestData.RepositoryRoot, "src", library, "bin", "Release", "net10.0", library + ".dll");
            Assert.That(File.Exists(dll), Is.True, $"{dll}: build the solution in Release first");
            using var stream = File.OpenRead(dll);
            using var pe = new PEReader(stream);
            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.TypeDefinitions)
            {
                var type = metadata.GetTypeDefinition(handle);
                if (IsVisible(metadata, type))
                {
                    actual.Add(Name(metadata, type));
                }
            }
        }

        actual.Sort(StringComparer.Ordinal);
        TestContext.Out.WriteLine(string.Join('\n', actual.Select(t => "public type: " + t)));
        string listPath = Path.Combine(TestData.RepositoryRoot, "docs", "public-api.txt");
        string[] listed = [.. File.ReadAllLines(listPath).Where(l => l.Length > 0 && !l.StartsWith('#'))];
        Assert.That(actual.Except(listed), Is.Empty, $"public types missing from {listPath} (name and justify them in docs/architecture.md)");
        Assert.That(listed.Except(actual), Is.Empty, $"{listPath} lists types that are no longer public");
        TestContext.Out.WriteLine($"{actual.Count} public types");
    }

    private static bool IsVisible(MetadataReader metadata, TypeDefinition type)
    {
        var visibility = type.Attributes & TypeAttributes.VisibilityMask;
        if (visibility == TypeAttributes.Public)
        {
            return true;
        }

        return visibility is TypeAttributes.NestedPublic or TypeAttributes.NestedFamily or TypeAttributes.NestedFamORAssem
            && IsVisible(metadata, metadata.GetTypeDefinition(type.GetDeclaringType()));
    }

    private static string Name(MetadataReader metadata, TypeDefinition type)
    {
        string name = metadata.GetString(type.Name);
        return type.IsNested
            ? Name(metadata, metadata.GetTypeDefinition(type.GetDeclaringType())) + "+" + name
            : metadata.GetString(type.Namespace) + "." + name;
    }
}
