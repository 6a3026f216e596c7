using System.Diagnostics;

namespace Robustness.Build.Tests;

/// <summary>
/// The MSBuild side: build/LibTorchSharpCompat.targets compiles the task with RoslynCodeTaskFactory
/// and runs it. Each test runs a real `dotnet msbuild` on a small project outside the repository.
/// </summary>
[TestFixture]
[Platform("Linux")]
[NonParallelizable]
public sealed class PatchTaskTests
{
    private string _tempFolder = "";

    private static string Targets => Path.Combine(Robustness.Tests.Shared.TestData.RepositoryRoot, "build", "LibTorchSharpCompat.targets");

    [SetUp]
    public void SetUp() => _tempFolder = Directory.CreateTempSubdirectory("robustness-task-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_tempFolder, recursive: true);

    [Test]
    public void Task_PatchesAndLogs_InAlwaysMode_ThenReportsAlreadyPatched()
    {
        string library = Path.Combine(_tempFolder, "libLibTorchSharp.so");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"), library);

        (int exit, string log) = RunTask(library, "always");
        (int exitAgain, string logAgain) = RunTask(library, "always");

        Assert.That(exit, Is.Zero, log);
        Assert.That(log, Does.Contain(library + ": patched"));
        Assert.That(exitAgain, Is.Zero, logAgain);
        Assert.That(logAgain, Does.Contain("already patched"));
    }

    [Test]
    public void Task_FailsTheBuild_NamingTheFile_WhenItIsNotElf()
    {
        string library = Path.Combine(_tempFolder, "libLibTorchSharp.so");
        File.WriteAllText(library, new string('x', 200));

        (int exit, string log) = RunTask(library, "always");

        Assert.That(exit, Is.Not.Zero);
        Assert.That(log, Does.Contain("error ROB0001"));
        Assert.That(log, Does.Contain("cannot patch " + library + ": " + library + ": not an ELF file"));
    }

    [Test]
    public void Task_RejectsAnUnknownMode()
    {
        string library = Path.Combine(_tempFolder, "libLibTorchSharp.so");
        File.WriteAllText(library, "x");

        (int exit, string log) = RunTask(library, "sometimes");

        Assert.That(exit, Is.Not.Zero);
        Assert.That(log, Does.Contain("RobustnessLibTorchSharpCompat='sometimes' is not known"));
    }

    private (int Exit, string Log) RunTask(string library, string mode)
    {
        string project = Path.Combine(_tempFolder, "patch.proj");
        File.WriteAllText(project, $"""
            <Project>
              <Import Project="{Targets}" />
              <Target Name="Patch">
                <PatchLibTorchSharpGlibcxx Files="{library}" Mode="{mode}" />
              </Target>
            </Project>
            """);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _tempFolder,
        };
        foreach (string argument in new[] { "msbuild", project, "-t:Patch", "-v:n", "-nologo", "-nodeReuse:false", "-tl:off" })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
