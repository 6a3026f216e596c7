#!/usr/bin/env bash
# Usage: .ci/servers/slurm.sh start|stop
# A one-node Slurm 22.05 cluster on this machine for the integration tests (Debian 12, run as root
# or via sudo; no systemd needed).
#   start: installs slurm-wlm and munge when missing, starts munged (default socket
#          /run/munge/munge.socket.2, key /etc/munge/munge.key, created if absent), writes
#          $dir/slurm/slurm.conf (no cgroups, no accounting; cores may be shared by up to 4 jobs
#          so a 3-task array runs at once on a 2-core machine), starts slurmctld and slurmd as root,
#          waits for the node to be idle, and prints and writes to $dir/env:
#            export ROBUSTNESS_TEST_SLURM=1
#            export SLURM_CONF=$dir/slurm/slurm.conf
#          Every Slurm command (sbatch, squeue, scancel, sinfo) needs SLURM_CONF: /etc/slurm/slurm.conf
#          is not written, so the system stays untouched.
#   stop:  kills what start started (pid files), removes $dir/slurm. Both are idempotent.
set -euo pipefail
dir=${ROBUSTNESS_SERVERS_DIR:-/tmp/robustness-servers}
sl=$dir/slurm
export SLURM_CONF=$sl/slurm.conf
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
munge_pid=/run/munge/munged.pid
alive() { [ -f "$1" ] && $sudo kill -0 "$(cat "$1")" 2>/dev/null; }
logs() { for f in "$sl"/*.log /var/log/munge/munged.log; do [ -f "$f" ] && { echo "--- $f"; $sudo tail -n 30 "$f"; }; done >&2; }

case "${1:-}" in
start)
  t0=$(date +%s)
  if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    echo "slurm: installing slurm-wlm munge"
    # No service start during the install (munge/slurm packages would try their init scripts).
    own_policy=""; [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null; $sudo chmod +x /usr/sbin/policy-rc.d; own_policy=1; }
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
    [ -z "$own_policy" ] || $sudo rm -f /usr/sbin/policy-rc.d
    echo "slurm: installed in $(( $(date +%s) - t0 )) s"
  fi

  # munge: the key (the package's postinst normally makes one) and the socket folder (/run is tmpfs).
  [ -f /etc/munge/munge.key ] || $sudo runuser -u munge -- mungekey --create --keyfile=/etc/munge/munge.key
  $sudo install -d -o munge -g munge -m 755 /run/munge
  $sudo mkdir -p "$sl/state" "$sl/spool"
  # A munged already running (not ours) is used and left alone by stop; its log: /var/log/munge.
  alive "$munge_pid" || { $sudo runuser -u munge -- munged --pid-file="$munge_pid"; $sudo touch "$sl/munged.ours"; }

  host=$(hostname -s)
  # CPUs, sockets, cores, threads and RealMemory as slurmd sees them (first line of slurmd -C).
  hw=$(slurmd -C | head -n 1 | sed 's/^NodeName=[^ ]* //')
  $sudo tee "$SLURM_CONF.tmp" >/dev/null <<EOF
# Written by .ci/servers/slurm.sh: a throwaway one-node cluster for the integration tests.
ClusterName=robustness
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
StateSaveLocation=$sl/state
SlurmdSpoolDir=$sl/spool
SlurmctldPidFile=$sl/slurmctld.pid
SlurmdPidFile=$sl/slurmd.pid
SlurmctldLogFile=$sl/slurmctld.log
SlurmdLogFile=$sl/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups anywhere (the CI VM has no systemd and a cgroup v1/v2 mix). proctrack/pgid, not
# linuxproc: linuxproc loses a child whose parent (the batch script) already exited, and that
# child outlives scancel; pgid kills the job's whole process group (setsid/setpgid escape it).
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
# scancel: SIGCONT+SIGTERM to every step (the batch script included), SIGKILL KillWait s later.
KillWait=10
InactiveLimit=0
MinJobAge=300
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
NodeName=$host NodeAddr=127.0.0.1 $hw State=UNKNOWN
# OverSubscribe=FORCE:4: up to 4 jobs on each core (no gang scheduling: they simply share it).
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF
  $sudo mv "$SLURM_CONF.tmp" "$SLURM_CONF"

  alive "$sl/slurmctld.pid" || $sudo env SLURM_CONF="$SLURM_CONF" slurmctld || { logs; exit 1; }
  alive "$sl/slurmd.pid" || $sudo env SLURM_CONF="$SLURM_CONF" slurmd || { logs; exit 1; }
  # Wait until the node is idle (or mixed/allocated, when jobs already run on an old cluster).
  for _ in $(seq 60); do
    state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n 1 || true)
    case "$state" in idle|mixed|allocated) break ;; esac
    sleep 1
  done
  case "$state" in idle|mixed|allocated) ;; *) echo "slurm: node not ready (state '$state')" >&2; sinfo -N -l >&2 || true; logs; exit 1 ;; esac

  touch "$dir/env"; grep -v -e '^export ROBUSTNESS_TEST_SLURM=' -e '^export SLURM_CONF=' "$dir/env" >"$dir/env.tmp" || true
  printf 'export ROBUSTNESS_TEST_SLURM=1\nexport SLURM_CONF=%s\n' "$SLURM_CONF" | tee -a "$dir/env.tmp" >/dev/null
  mv "$dir/env.tmp" "$dir/env"
  echo "slurm: node $host $state (started in $(( $(date +%s) - t0 )) s)"
  printf 'export ROBUSTNESS_TEST_SLURM=1\nexport SLURM_CONF=%s\n' "$SLURM_CONF"
  ;;
stop)
  # Cancel the jobs left and wait for them to end (killing slurmd would not end them), then
  # stop slurmd, slurmctld and (when start started it) munged, each by its pid file.
  if alive "$sl/slurmctld.pid"; then
    scancel --quiet --full --user="$(id -un)" 2>/dev/null || true
    for _ in $(seq 30); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 1; done
  fi
  pids=("$sl/slurmd.pid" "$sl/slurmctld.pid"); [ ! -f "$sl/munged.ours" ] || pids+=("$munge_pid")
  for p in "${pids[@]}"; do
    if alive "$p"; then
      pid=$(cat "$p"); $sudo kill "$pid"
      for _ in $(seq 30); do $sudo kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      ! $sudo kill -0 "$pid" 2>/dev/null || $sudo kill -9 "$pid"
    fi
  done
  $sudo rm -rf "$sl"
  [ ! -f "$dir/env" ] || sed -i -e '/^export ROBUSTNESS_TEST_SLURM=/d' -e '/^export SLURM_CONF=/d' "$dir/env"
  [ -s "$dir/env" ] || rm -f "$dir/env"; rmdir "$dir" 2>/dev/null || true
  echo "slurm: stopped"
  ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
