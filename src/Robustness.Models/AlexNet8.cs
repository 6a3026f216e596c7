using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robustness.Models;

/// <summary>
/// AlexNet-8 adapted to small grey images: five 3x3 convolutions (32, 96, 192, 128, 128 channels,
/// padding 1, ReLU; 2x2 max pools after the 1st, 2nd and 5th) and three fully connected layers
/// (512, 256, classes; ReLU; dropout 0.5 before the first two). For 28 x 28 inputs the last pool
/// leaves 128 x 3 x 3. The exact table is in docs/models.md.
/// </summary>
internal sealed class AlexNet8Architecture : IModelArchitecture
{
    public const string ArchitectureName = "alexnet8";

    public string Name => ArchitectureName;

    public string Description => "AlexNet-8: conv 32/96/192/128/128 @3x3 (max pools after 1, 2, 5), dropout, fc 512, dropout, fc 256, fc classes (ReLU)";

    public nn.Module<Tensor, Tensor> Create(ImageShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.Validate();
        if (shape.Height < 8 || shape.Width < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "AlexNet-8 pools three times by 2: images need at least 8 x 8 pixels.");
        }

        return new AlexNet8Module(shape);
    }
}

/// <summary>The AlexNet-8 network (see <see cref="AlexNet8Architecture"/>).</summary>
internal sealed class AlexNet8Module : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1;
    private readonly MaxPool2d _pool1;
    private readonly Conv2d _conv2;
    private readonly MaxPool2d _pool2;
    private readonly Conv2d _conv3;
    private readonly Conv2d _conv4;
    private readonly Conv2d _conv5;
    private readonly MaxPool2d _pool5;
    private readonly Flatten _flatten;
    private readonly Dropout _drop1;
    private readonly Linear _fc1;
    private readonly Dropout _drop2;
    private readonly Linear _fc2;
    private readonly Linear _fc3;
    private readonly ReLU _relu;

    public AlexNet8Module(ImageShape shape)
        : base(AlexNet8Architecture.ArchitectureName)
    {
        int h = shape.Height / 2 / 2 / 2;
        int w = shape.Width / 2 / 2 / 2;
        _conv1 = nn.Conv2d(1, 32, 3, padding: 1);
        _pool1 = nn.MaxPool2d(2);
        _conv2 = nn.Conv2d(32, 96, 3, padding: 1);
        _pool2 = nn.MaxPool2d(2);
        _conv3 = nn.Conv2d(96, 192, 3, padding: 1);
        _conv4 = nn.Conv2d(192, 128, 3, padding: 1);
        _conv5 = nn.Conv2d(128, 128, 3, padding: 1);
        _pool5 = nn.MaxPool2d(2);
        _flatten = nn.Flatten();
        _drop1 = nn.Dropout(0.5);
        _fc1 = nn.Linear(128L * h * w, 512);
        _drop2 = nn.Dropout(0.5);
        _fc2 = nn.Linear(512, 256);
        _fc3 = nn.Linear(256, shape.ClassCount);
        _relu = nn.ReLU();
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = _pool1.forward(_relu.forward(FirstLayerConvolution.Forward(_conv1, input, 3, 1)));
        x = _pool2.forward(_relu.forward(_conv2.forward(x)));
        x = _relu.forward(_conv3.forward(x));
        x = _relu.forward(_conv4.forward(x));
        x = _pool5.forward(_relu.forward(_conv5.forward(x)));
        x = _flatten.forward(x);
        x = _relu.forward(_fc1.forward(_drop1.forward(x)));
        x = _relu.forward(_fc2.forward(_drop2.forward(x)));
        return _fc3.forward(x).MoveToOuterDisposeScope();
    }
}
