"""Workbench pages: staff search over working copies (/workbench/search/) and the user
dictionary editor (/workbench/search/dictionary/, 系统管理员 and 公开办)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from gongkai.core.errors import ApplicationError
from gongkai.core.http import service_errors
from gongkai.orgs.permissions import Action, has_perm, is_staff_member

from .. import services
from ..forms import DictionaryWordForm
from ..selectors import search_params, search_staff
from .common import filter_choices


@service_errors
@require_safe
def search(request):
    if not is_staff_member(request.user):
        raise PermissionDenied
    params = search_params(request.GET)
    page = search_staff(request.user, params)
    context = {"page": page, "params": params, **filter_choices(params)}
    return render(request, "search/staff_results.html", context)


@service_errors
@require_http_methods(["GET", "POST"])
def dictionary(request):
    if not has_perm(request.user, Action.MANAGE_UNITS):
        raise PermissionDenied
    form = DictionaryWordForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                form = DictionaryWordForm(request.POST)
                if form.is_valid():
                    services.dictionary_word_add(actor=request.user, **form.cleaned_data)
                    messages.success(
                        request, f"已加入词典：{form.cleaned_data['word']}。重建索引后生效。"
                    )
                    return redirect("search_staff:dictionary")
            elif action == "remove":
                word = request.POST.get("word", "")
                services.dictionary_word_remove(actor=request.user, word=word)
                messages.success(request, f"已从词典删除：{word}。重建索引后生效。")
                return redirect("search_staff:dictionary")
            elif action == "reindex":
                from ..tasks import reindex_task

                reindex_task()
                messages.success(request, "已安排重建检索索引，完成前检索结果可能不完整。")
                return redirect("search_staff:dictionary")
        except ApplicationError as exc:
            messages.error(request, exc.message)
            if action != "add":
                return redirect("search_staff:dictionary")
            form.add_error(None, exc.message)
    entries = services.dictionary_entries()
    context = {
        "form": form,
        "entries": entries,
        "active_count": sum(1 for e in entries if not e.removed),
    }
    return render(request, "search/dictionary.html", context)
