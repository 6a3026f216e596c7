using System.Diagnostics;
using Robustness.Tests.Shared;

namespace Robustness.Build.Tests;

/// <summary>
/// The README's C# snippet is samples/Robustness.Sample/Program.cs word for word, and that program (built with the
/// solution) runs as written on the shared MNIST folder, which has the test images only, and on Fashion-MNIST.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ReadmeSnippetTests
{
    private static string SamplePath => Path.Combine(TestData.RepositoryRoot, "samples", "Robustness.Sample", "Program.cs");

    [Test]
    public void ReadmeSnippet_IsTheSampleProgram()
    {
        string readme = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "README.md")).ReplaceLineEndings("\n");
        const string Heading = "## Using the library\n```csharp\n";
        int start = readme.IndexOf(Heading, StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "the README has its 'Using the library' snippet");
        start += Heading.Length;
        int end = readme.IndexOf("```", start, StringComparison.Ordinal);
        Assert.That(readme[start..end], Is.EqualTo(File.ReadAllText(SamplePath).ReplaceLineEndings("\n")));
    }

    [Test]
    public void Sample_RunsOnTheSharedMnist_TrainingOnTheTrainSplit()
    {
        string mnist = TestData.MnistFolder;
        var (exit, log) = RunSample(null, mnist);
        Assert.That(exit, Is.Zero, log);
        Assert.That(log, Does.StartWith("MNIST: train mnist/train-100pc (1000 images), test mnist/test-50pc (500 images)"), log);
        Assert.That(log, Does.Contain("Gaussian l2 = 2.0: accuracy").And.Contain("Gaussian l2 = 6.0: accuracy"), log);
    }

    [Test]
    public void Sample_FallsBackToFashionMnist_WithoutMnist()
    {
        _ = TestData.FashionMnistFolder;
        string empty = Directory.CreateTempSubdirectory("robustness-no-mnist-").FullName;
        int exit;
        string log;
        try
        {
            (exit, log) = RunSample(empty, null);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }

        Assert.That(exit, Is.Zero, log);
        Assert.That(log, Does.StartWith("Fashion-MNIST: train"), log);
        Assert.That(log, Does.Contain("Gaussian l2 = 6.0: accuracy"), log);
    }

    /// <summary>Runs the built sample; <paramref name="isolatedHome"/> hides every MNIST the locator could find (environment, caches).</summary>
    private static (int Exit, string Log) RunSample(string? isolatedHome, string? mnistFolder)
    {
        string dll = Path.Combine(TestData.RepositoryRoot, "samples", "Robustness.Sample", "bin", "Release", "net10.0", "Robustness.Sample.dll");
        Assert.That(File.Exists(dll), Is.True, $"{dll}: build the solution in Release first");
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(dll);
        if (mnistFolder is not null)
        {
            start.ArgumentList.Add(mnistFolder);
        }

        if (isolatedHome is not null)
        {
            start.Environment["ROBUSTNESS_DATA"] = isolatedHome;
            start.Environment["HOME"] = isolatedHome;
            start.Environment["XDG_DATA_HOME"] = Path.Combine(isolatedHome, "share");
            start.Environment["XDG_CACHE_HOME"] = Path.Combine(isolatedHome, "cache");
        }

        var (exit, output, error) = ChildProcess.Run(start, TimeSpan.FromMinutes(5), "the sample");
        TestContext.Out.WriteLine(output + error);
        return (exit, output + error);
    }
}
