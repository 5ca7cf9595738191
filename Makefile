# mtfix: `make demo` sets up and repairs the sample; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
SAMPLE := samples/wechat-ecommerce-2014

.PHONY: setup demo test lint bench clean model

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# The CPU build of torch first: a bare `torch` requirement can pull a multi-GB CUDA build.
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[model,dev]'
	touch $@

# The default backend runs the shipped model through CTranslate2 int8; the repository ships
# only its safetensors weights, so the conversion is made here (and redone when they change).
CT2_MODEL := models/default/ctranslate2/source.json
$(CT2_MODEL): models/default/model.safetensors $(VENV)/.installed
	$(VENV)/bin/mtfix model convert models/default

setup: $(VENV)/.installed $(CT2_MODEL)

demo: setup
	@mkdir -p out
	$(VENV)/bin/mtfix fix $(SAMPLE).mt.txt -o out/$(notdir $(SAMPLE)).fixed.txt
	@diff -u $(SAMPLE).mt.txt out/$(notdir $(SAMPLE)).fixed.txt | head -n 40 || true
	@echo "--- repaired (system) vs the input as it was (baseline), both against the reference:"
	@$(VENV)/bin/mtfix score out/$(notdir $(SAMPLE)).fixed.txt $(SAMPLE).ref.txt --baseline $(SAMPLE).mt.txt

test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check mtfix tests
	$(VENV)/bin/mypy mtfix

# The shipped default model, trained on ../shared/data with the project's own command in
# two runs on one CPU core: from scratch on post-edits, filtered MT->reference pairs and
# noised clean English (8,778 steps, about 150 minutes), then continued with --init (7,555
# steps, about 95 minutes) on post-edits and freshly noised English only, with more
# identity pairs: the MT->reference pairs are paraphrases that teach the model to change
# correct text. Then converted for CTranslate2 and measured into its card.
DATA ?= ../shared/data
MODEL_RUN ?= build/model-run
MODEL_STEPS ?= 8778
FINETUNE_STEPS ?= 7555
MODEL_MINUTES ?= 300
MODEL_THREADS ?= 1
MLQE_PAIRS := $(foreach pair,ruen eten roen neen sien,--pairs $(DATA)/train/mlqe-pe-$(pair).train.tsv)
CORPORA := $(foreach name,english-news-wmt gensim-lee-news gensim-enwiki-206pages linux-doc \
  python-doc debian-handbook wordnet-examples,--corpus $(DATA)/corpus/$(name).txt.gz)
model: setup
	$(VENV)/bin/mtfix train $(MODEL_RUN) --seed 1 --max-steps $(MODEL_STEPS) \
	  --max-minutes $(MODEL_MINUTES) \
	  $(MLQE_PAIRS) --pairs $(DATA)/train/wmt-xen-systems.tsv.gz \
	  --pairs-columns 2,3 --pairs-columns 2,3 --pairs-columns 2,3 --pairs-columns 2,3 \
	  --pairs-columns 2,3 --pairs-columns 5,6 \
	  --pairs-min-chrf 50 --pairs-min-chrf 50 --pairs-min-chrf 50 --pairs-min-chrf 50 \
	  --pairs-min-chrf 50 --pairs-min-chrf 70 \
	  --pairs-limit 0 --pairs-limit 0 --pairs-limit 0 --pairs-limit 0 --pairs-limit 0 \
	  --pairs-limit 30000 \
	  $(CORPORA) --corpus-limit 30000 \
	  --batch-tokens 2048 --warmup 300 --eval-every 500 --threads $(MODEL_THREADS) \
	  --export $(MODEL_RUN)-base
	$(VENV)/bin/mtfix train $(MODEL_RUN)-continued --init $(MODEL_RUN)-base --seed 2 \
	  --max-steps $(FINETUNE_STEPS) --max-minutes $(MODEL_MINUTES) --lr 4e-4 --warmup 300 \
	  $(MLQE_PAIRS) --pairs-columns 2,3 --pairs-min-chrf 50 \
	  $(CORPORA) --corpus-limit 40000 --identity-ratio 0.3 \
	  --batch-tokens 2048 --eval-every 1000 --threads $(MODEL_THREADS) \
	  --export models/default
	$(VENV)/bin/mtfix model convert models/default
	$(PY) benchmarks/eval_model.py models/default --levels 0.25,0.35,0.5,0.75 --update-card

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) out build *.egg-info
