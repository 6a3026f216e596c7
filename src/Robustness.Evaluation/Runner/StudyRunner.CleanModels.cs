using System.Globalization;
using System.Text.Json;
using Robustness.IO;
using Microsoft.Extensions.Logging.Abstractions;
using Robustness.Data;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Training;
using Robustness.Models;
using Robustness.Perturbations;

namespace Robustness.Evaluation.Runner;

/// <summary>The clean model of each architecture, trained once per study and work folder and loaded on resume (a stale or unreadable checkpoint is retrained).</summary>
public sealed partial class StudyRunner
{
    /// <summary>The clean model's checkpoint path in a study's work folder.</summary>
    /// <param name="workDirectory">The work folder.</param>
    /// <param name="study">The study's name.</param>
    /// <param name="architecture">The architecture.</param>
    /// <returns>The weights path (its sidecar is the path + ".json").</returns>
    public static string CleanCheckpointPath(string workDirectory, string study, string architecture) =>
        Path.Combine(Path.GetFullPath(workDirectory), SafeName(study), $"{SafeName(architecture)}-clean.bin");

    private (ImageClassifier Model, TrainingReport Report, string Path, bool Trained) GetCleanModel(
        StudyDesign design, string architecture, ulong seed, ImageSet train, string folder, IProgress<StudyProgress>? progress, CancellationToken cancellationToken)
    {
        string path = Path.Combine(folder, $"{SafeName(architecture)}-clean.bin");
        var training = TrainingOptionsFor(design, seed);
        string fingerprint = DataFingerprint.Compute(train);
        if (File.Exists(path) && File.Exists(ModelCheckpoint.SidecarPath(path)))
        {
            try
            {
                var metadata = ModelCheckpoint.ReadMetadata(path);
                if (metadata.DataFingerprint == fingerprint && metadata.InitSeed == seed && metadata.Training == training && metadata.TrainingReport is { } stored
                    && metadata.WeightsSha256 is not null)
                {
                    var model = ModelCheckpoint.Load(path, _factory, architecture);
                    LogCleanLoaded(architecture, path);
                    return (model, stored, path, false);
                }

                LogCleanStale(architecture, path);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or JsonException)
            {
                LogCleanUnreadable(architecture, path, e.Message);
            }
        }

        var clean = _factory.Create(architecture, seed, new ImageShape(train.Height, train.Width, train.ClassCount));
        try
        {
            var epochs = new Progress(e => Report(progress, new StudyProgress(StudyStage.Epoch, design.StudyName, architecture, 0, 0, null, null, e.Epoch, e.MaxEpochs, 0, TimeSpan.Zero, null,
                $"{architecture} clean model: {e}")));
            var report = _trainer.Train(clean, train, training, epochs, cancellationToken);
            ModelCheckpoint.Save(clean, path, new CheckpointMetadata
            {
                Architecture = clean.Architecture,
                InputShape = clean.InputShape,
                InitSeed = seed,
                Training = training,
                TrainingReport = report,
                DataName = train.Name,
                DataFingerprint = fingerprint,
            });
            return (clean, report, path, true);
        }
        catch
        {
            clean.Dispose();
            throw;
        }
    }

    private void RemoveStaleTemporaries(string folder)
    {
        foreach (string entry in AtomicFile.RemoveStale(folder))
        {
            LogTempRemoved(entry);
        }
    }
}
