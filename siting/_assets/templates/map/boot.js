{#- MacroElement template: hands folium's map, layer groups and layer control to the page's
    script (no lookup of globals by name). -#}
{% macro script(this, kwargs) %}
    SitingMap.start({
        map: {{ this._parent.get_name() }},
        control: {{ this.control.get_name() }},
        labels: {{ this.labels.get_name() }},
        layers: [{% for g in this.layers %}{{ g.get_name() }}{{ ", " if not loop.last }}{% endfor %}],
        facilities: [{% for g in this.facilities %}{{ g.get_name() }}{{ ", " if not loop.last }}{% endfor %}]
    });
{% endmacro %}
