namespace Robustness.Evaluation.Designs;

/// <summary>The six research questions of the study (docs/method.md, "Training-set perturbations").</summary>
public enum ResearchQuestion
{
    /// <summary>RQ1: Gaussian noise added to the training set (l2 level of the added images).</summary>
    Rq1 = 1,

    /// <summary>RQ2: FGSM images (against the clean model) added to the training set.</summary>
    Rq2 = 2,

    /// <summary>RQ3: class imbalance CI of the training set.</summary>
    Rq3 = 3,

    /// <summary>RQ4: label disturbance LD (share of wrong labels) of the training set.</summary>
    Rq4 = 4,

    /// <summary>RQ5: Gaussian x FGSM levels on a full grid.</summary>
    Rq5 = 5,

    /// <summary>RQ6: Gaussian, FGSM, CI and LD together on an L25 orthogonal array.</summary>
    Rq6 = 6,
}
