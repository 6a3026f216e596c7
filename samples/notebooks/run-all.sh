#!/usr/bin/env bash
# Runs every notebook in samples/notebooks headlessly, the way a new user meets them: packs the five
# libraries into a local folder feed, installs the .NET Interactive Jupyter kernel (the
# Microsoft.dotnet-interactive tool, into a folder of its own; nothing global), executes each notebook
# with `jupyter nbconvert --to notebook --execute`, and fails when any cell fails.
#
# Needs: the .NET SDK and Jupyter's nbconvert with an IPython kernel installed
#   (Debian/Ubuntu: sudo apt-get install jupyter-nbconvert python3-ipykernel).
# Options (environment):
#   ROBUSTNESS_NOTEBOOK_OUT   where the executed notebooks go (default samples/notebooks/out)
#   ROBUSTNESS_DATA           a folder with MNIST (test images are enough); without it the notebook uses synthetic digits
#   ROBUSTNESS_NOTEBOOK_WORK  the work folder (feed, kernel, tool); default a new temporary folder, removed at the end
# The notebooks reference the packages as version 0.1.0, which is not published: this script removes
# robustness.*/0.1.0 from the NuGet packages folder before the run so that the feed's fresh build is used.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version="0.1.0"
interactive_version="1.0.712001"
timeout_s="${ROBUSTNESS_NOTEBOOK_TIMEOUT:-1200}"
out="${ROBUSTNESS_NOTEBOOK_OUT:-$here/out}"
if [ -n "${ROBUSTNESS_NOTEBOOK_WORK:-}" ]; then
  work="$ROBUSTNESS_NOTEBOOK_WORK"; mkdir -p "$work"; keep=1
else
  work="$(mktemp -d -t robustness-notebooks.XXXXXX)"; keep=0
fi
cleanup() { if [ "$keep" = 0 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

for tool in dotnet jupyter python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "run-all: '$tool' not found; see the header of $0 for what to install" >&2; exit 1; }
done
jupyter nbconvert --version >/dev/null 2>&1 || { echo "run-all: jupyter nbconvert is missing (Debian: apt-get install jupyter-nbconvert python3-ipykernel)" >&2; exit 1; }

echo "run-all: packing the libraries (version $version) into $work/feed"
for id in Robustness.Data Robustness.Perturbations Robustness.Models Robustness.Statistics Robustness.Evaluation; do
  dotnet pack "$root/src/$id/$id.csproj" -c Release -o "$work/feed" -p:Version="$version" \
    --artifacts-path "$work/artifacts" -v:q -nologo >"$work/pack-$id.log" 2>&1 \
    || { cat "$work/pack-$id.log" >&2; echo "run-all: packing $id failed" >&2; exit 1; }
done

packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
for id in robustness.data robustness.perturbations robustness.models robustness.statistics robustness.evaluation; do
  rm -rf "${packages:?}/$id/$version"
done

echo "run-all: installing the .NET Interactive kernel ($interactive_version) into $work/tools"
if [ ! -x "$work/tools/dotnet-interactive" ]; then
  dotnet tool install --tool-path "$work/tools" Microsoft.dotnet-interactive --version "$interactive_version" >"$work/tool.log" 2>&1 \
    || { cat "$work/tool.log" >&2; exit 1; }
fi
mkdir -p "$work/jupyter/kernels"
"$work/tools/dotnet-interactive" jupyter install --path "$work/jupyter/kernels" >"$work/kernel.log" 2>&1 \
  || { cat "$work/kernel.log" >&2; exit 1; }
# The kernel spec starts `dotnet interactive`, which finds only a global or manifest tool: point it at ours,
# and drop --http-port-range: Jupyter talks to the kernel over its own sockets, so no HTTP server is needed.
python3 - "$work/jupyter/kernels/.net-csharp/kernel.json" "$work/tools/dotnet-interactive" <<'PY'
import json, sys
path, exe = sys.argv[1], sys.argv[2]
spec = json.load(open(path))
assert spec["argv"][:2] == ["dotnet", "interactive"], spec["argv"]
argv = [exe] + spec["argv"][2:]
if "--http-port-range" in argv:
    i = argv.index("--http-port-range")
    del argv[i:i + 2]
spec["argv"] = argv
json.dump(spec, open(path, "w"), indent=2)
PY
export JUPYTER_PATH="$work/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"

mkdir -p "$out"
status=0
for notebook in "$here"/*.ipynb; do
  name="$(basename "$notebook")"
  copy="$work/$name"
  # The published notebook restores from nuget.org; here its first code cell also gets the local feed.
  python3 - "$notebook" "$copy" "$work/feed" <<'PY'
import json, sys
source, target, feed = sys.argv[1:4]
nb = json.load(open(source))
cell = {"cell_type": "code", "id": "local-feed", "execution_count": None, "metadata": {}, "outputs": [],
        "source": [f'#i "nuget: {feed}"']}
nb["cells"].insert(0, cell)
json.dump(nb, open(target, "w"), indent=1)
PY
  echo "run-all: executing $name"
  started=$(date +%s)
  # --allow-errors: the executed notebook is always written; the check below fails on any error output.
  if ! jupyter nbconvert --to notebook --execute --allow-errors --ExecutePreprocessor.kernel_name=.net-csharp \
      --ExecutePreprocessor.timeout="$timeout_s" --output-dir "$out" --output "$name" "$copy" >"$work/$name.log" 2>&1; then
    cat "$work/$name.log" >&2
    echo "run-all: $name FAILED" >&2
    status=1
    continue
  fi
  # nbconvert stops at a failing cell; check the outputs too, so that an error output never passes.
  python3 - "$out/$name" <<'PY' || status=1
import json, sys
nb = json.load(open(sys.argv[1]))
errors = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
images = sum(1 for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
             if "image/png" in o.get("data", {}) or "<img" in "".join(o.get("data", {}).get("text/html", "")))
cells = sum(1 for c in nb["cells"] if c["cell_type"] == "code")
for c in nb["cells"]:
    for o in c.get("outputs", []):
        if o.get("output_type") == "error" or (o.get("output_type") == "stream" and o.get("name") == "stderr"):
            text = o.get("evalue") or "".join(o.get("text", ""))
            print(f"run-all: {sys.argv[1]}: {o.get('ename', 'stderr')}: {text.strip()[:2000]}", file=sys.stderr)
print(f"run-all: {sys.argv[1]}: {cells} code cells, {len(errors)} errors, {images} inline images")
sys.exit(1 if errors else 0)
PY
  echo "run-all: $name done in $(( $(date +%s) - started )) s -> $out/$name"
done
exit "$status"
