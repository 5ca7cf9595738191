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

# The shipped default model, trained on ../shared/data with the project's own commands,
# each run on one CPU core (`make -j2 model` runs the sibling runs side by side):
#   1. from scratch on post-edits, filtered MT->reference pairs and noised clean English;
#   2. continued (--init) on post-edits and freshly noised English only, with more
#      identity pairs: MT->reference pairs are paraphrases that teach changing correct text;
#   3. two continuations of 2 with more of the errors the guard was unsure of (A: seed 4;
#      B: seed 5, more identity pairs, the ru/et/ro post-edits twice); their mean is the
#      shipped model (the mean of two runs from one start keeps what both learned).
# Then converted for CTranslate2 and measured into its card. Steps are fixed so that a
# seed gives the same data order; the minutes are a safety budget.
DATA ?= ../shared/data
MODEL_RUN ?= build/model-run
MODEL_MINUTES ?= 300
MODEL_THREADS ?= 1
MLQE_PAIRS := $(foreach pair,ruen eten roen neen sien,--pairs $(DATA)/train/mlqe-pe-$(pair).train.tsv)
MLQE_TWICE := $(MLQE_PAIRS) $(foreach pair,ruen eten roen,--pairs $(DATA)/train/mlqe-pe-$(pair).train.tsv)
CORPORA := $(foreach name,english-news-wmt gensim-lee-news gensim-enwiki-206pages linux-doc \
  python-doc debian-handbook wordnet-examples,--corpus $(DATA)/corpus/$(name).txt.gz)
TRAIN := $(VENV)/bin/mtfix train
COMMON := --max-minutes $(MODEL_MINUTES) --threads $(MODEL_THREADS) --batch-tokens 2048
UNSURE := agreement=1.5,misuse_article=1.5,auxiliary=1.3,number=1.3,tense=1.3,preposition=1.3
# The post-edit files' columns (mt 2, post-edit 3) and the least chrF between them.
PE_COLUMNS := --pairs-columns 2,3 --pairs-min-chrf 50

$(MODEL_RUN)-1/model.safetensors: | setup
	$(TRAIN) $(MODEL_RUN)-1-run --seed 1 --max-steps 8778 $(COMMON) \
	  $(MLQE_PAIRS) --pairs $(DATA)/train/wmt-xen-systems.tsv.gz \
	  --pairs-columns 2,3 --pairs-columns 2,3 --pairs-columns 2,3 --pairs-columns 2,3 \
	  --pairs-columns 2,3 --pairs-columns 5,6 \
	  --pairs-min-chrf 50 --pairs-min-chrf 50 --pairs-min-chrf 50 --pairs-min-chrf 50 \
	  --pairs-min-chrf 50 --pairs-min-chrf 70 \
	  --pairs-limit 0 --pairs-limit 0 --pairs-limit 0 --pairs-limit 0 --pairs-limit 0 \
	  --pairs-limit 30000 \
	  $(CORPORA) --corpus-limit 30000 --warmup 300 --eval-every 500 --export $(MODEL_RUN)-1
$(MODEL_RUN)-2/model.safetensors: $(MODEL_RUN)-1/model.safetensors
	$(TRAIN) $(MODEL_RUN)-2-run --init $(MODEL_RUN)-1 --seed 2 --max-steps 7555 $(COMMON) \
	  --lr 4e-4 --warmup 300 $(MLQE_PAIRS) $(PE_COLUMNS) $(CORPORA) --corpus-limit 40000 \
	  --identity-ratio 0.3 --eval-every 1000 --export $(MODEL_RUN)-2
$(MODEL_RUN)-3a/model.safetensors: $(MODEL_RUN)-2/model.safetensors
	$(TRAIN) $(MODEL_RUN)-3a-run --init $(MODEL_RUN)-2 --seed 4 --max-steps 8578 $(COMMON) \
	  --lr 3e-4 --warmup 200 $(MLQE_PAIRS) $(PE_COLUMNS) $(CORPORA) --corpus-limit 40000 \
	  --identity-ratio 0.3 --noise-weights $(UNSURE) --eval-every 1000 --export $(MODEL_RUN)-3a
$(MODEL_RUN)-3b/model.safetensors: $(MODEL_RUN)-2/model.safetensors
	$(TRAIN) $(MODEL_RUN)-3b-run --init $(MODEL_RUN)-2 --seed 5 --max-steps 7019 $(COMMON) \
	  --lr 3e-4 --warmup 200 $(MLQE_TWICE) $(PE_COLUMNS) $(CORPORA) --corpus-limit 40000 \
	  --identity-ratio 0.5 --noise-weights $(UNSURE) --eval-every 1000 --export $(MODEL_RUN)-3b
model: $(MODEL_RUN)-3a/model.safetensors $(MODEL_RUN)-3b/model.safetensors
	$(VENV)/bin/mtfix model average models/default $(MODEL_RUN)-3a $(MODEL_RUN)-3b
	$(VENV)/bin/mtfix model convert models/default
	$(PY) benchmarks/eval_model.py models/default --levels 0.25,0.35,0.5,0.75 --update-card

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) out build *.egg-info
