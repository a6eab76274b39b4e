"""The ``eqgraph`` command: ``train``, ``eval``, ``export`` and ``demo``."""
from __future__ import annotations

import argparse
import logging
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eqgraph", description="Train and evaluate eqgraph models.")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train the run of a YAML configuration (also under torchrun)")
    train.add_argument("config", help="a run configuration, e.g. models/emt-cu-potential.yaml")
    train.add_argument("--resume", help="continue from this checkpoint (the run's last.pt)")
    train.add_argument("--output-dir", help="override the configuration's output_dir")
    evaluate = commands.add_parser("eval", help="metrics of a checkpoint on data")
    evaluate.add_argument("checkpoint")
    evaluate.add_argument("--data", help="an extxyz file or a run configuration (default: the run's own test split)")
    evaluate.add_argument("--split", default="test", choices=("train", "val", "test"))
    export = commands.add_parser("export", help="write the model of a training checkpoint as a model-only file")
    export.add_argument("checkpoint")
    export.add_argument("output", help="the model file (SavableModel.from_checkpoint, EqgraphCalculator.from_checkpoint)")
    demo = commands.add_parser("demo", help="train the default potential on generated EMT copper beside SchNet")
    demo.add_argument("--output-dir", default=None, help="default runs/demo")
    demo.add_argument("--cpu-seconds", type=float, default=None, help="training budget per model (default 200)")
    demo.add_argument("--seed", type=int, default=None, help="seed of the initial weights and batches (default 0)")
    demo.add_argument("--sequential", action="store_true", help="train the two models one after the other")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    from .commands import evaluate as evaluate_checkpoint
    from .commands import print_json, train as train_run
    from .config import ConfigError

    try:
        if args.command == "train":
            print_json(train_run(args.config, resume=args.resume, output_dir=args.output_dir))
        elif args.command == "eval":
            print_json(evaluate_checkpoint(args.checkpoint, args.data, args.split))
        elif args.command == "export":
            from .commands import export_model

            print_json(export_model(args.checkpoint, args.output))
        else:
            from .demo import run_demo

            run_demo(args.output_dir, args.cpu_seconds, args.seed, parallel=not args.sequential)
    except (ConfigError, FileNotFoundError, FileExistsError, KeyError, ValueError) as error:
        print(f"eqgraph {args.command}: error: {error}", file=sys.stderr)
        return 2
    return 0
